package org.multitag.model;

/**
 * How the windows of an input longer than the limit are put back together (see {@link LongText#WINDOW}): which
 * probabilities a word that several windows hold takes.
 */
public enum WindowMerge {
    /**
     * The window where the word is most central (the most context on its poorer side): its probabilities are those
     * of one real forward pass. The default.
     */
    CENTRAL,
    /** The mean, label by label, of the probabilities of every window that holds the word. */
    AVERAGE
}
