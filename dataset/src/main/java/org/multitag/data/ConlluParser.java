package org.multitag.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.multitag.core.InputException;

/**
 * Turns CoNLL-U lines into sentences of words with label sets. Sentences are separated by blank lines; comment
 * lines ({@code #}) are ignored; multiword token lines ({@code 1-2}) and empty nodes ({@code 8.1}) are skipped.
 * A word is its FORM column; its labels are {@code UPOS=<UPOS>} (none when UPOS is {@code _}) and each
 * {@code Feature=Value} of FEATS as written (none when FEATS is {@code _}).
 *
 * <p>Fed one line at a time. A bad word line is an {@link InputException} naming that line; the rest of its
 * sentence is then passed over, so a caller that skips bad input continues with the next sentence.
 */
final class ConlluParser {

    private static final Pattern WORD_ID = Pattern.compile("[1-9][0-9]*");
    private static final Pattern MULTIWORD_ID = Pattern.compile("[1-9][0-9]*-[1-9][0-9]*");
    private static final Pattern EMPTY_NODE_ID = Pattern.compile("(?:0|[1-9][0-9]*)\\.[1-9][0-9]*");

    private final String file;
    private final List<String> words = new ArrayList<>();
    private final List<List<String>> labels = new ArrayList<>();
    private final List<String> locations = new ArrayList<>();
    private long start;
    private boolean broken;
    /** A {@code # newdoc} line was seen and no sentence has taken it yet (a dropped sentence passes it on). */
    private boolean newDocument;
    private boolean finishedStartsDocument;

    /**
     * @param file the file name used in locations
     */
    ConlluParser(String file) {
        this.file = file;
    }

    /**
     * Takes line {@code number}.
     *
     * @return the sentence this blank line ends, or {@code null}
     * @throws InputException when the line is a bad word line (its sentence is then dropped)
     */
    SourceRecord.Words line(String line, long number) {
        if (line.isBlank()) {
            return finish();
        }
        if (start == 0) {
            start = number;
        }
        if (line.startsWith("#")) {
            newDocument |= ConlluDocuments.startsDocument(line);
            return null;
        }
        if (broken) {
            return null;
        }
        try {
            word(line, InputException.at(file, number));
        } catch (InputException e) {
            broken = true;
            throw e;
        }
        return null;
    }

    /** Drops the sentence line {@code number} belongs to (for example because it could not be decoded). */
    void abandon(long number) {
        if (start == 0) {
            start = number;
        }
        broken = true;
    }

    /**
     * Ends the current sentence (at a blank line or the end of the file).
     *
     * @return the sentence, or {@code null} when there was none (only comments, or a dropped sentence)
     */
    SourceRecord.Words finish() {
        SourceRecord.Words out = null;
        finishedStartsDocument = false;
        if (!broken && !words.isEmpty()) {
            out = new SourceRecord.Words(InputException.at(file, start), words, labels, locations);
            finishedStartsDocument = newDocument;
            newDocument = false;
        }
        words.clear();
        labels.clear();
        locations.clear();
        start = 0;
        broken = false;
        return out;
    }

    /** Whether the sentence {@link #finish} (or {@link #line}) last returned starts a document ({@code # newdoc}). */
    boolean startsDocument() {
        return finishedStartsDocument;
    }

    private void word(String line, String at) {
        String[] c = line.split("\t", -1);
        if (c.length != 10) {
            throw new InputException(at, "expected 10 tab-separated columns (a CoNLL-U word line), got " + c.length);
        }
        String id = c[0];
        if (MULTIWORD_ID.matcher(id).matches() || EMPTY_NODE_ID.matcher(id).matches()) {
            return;
        }
        if (!WORD_ID.matcher(id).matches()) {
            throw new InputException(at, "bad word ID \"" + id + "\" (expected N, N-M or N.M)");
        }
        int expected = words.size() + 1;
        if (id.length() > 9 || Integer.parseInt(id) != expected) {
            throw new InputException(at, "word ID " + id + " where " + expected + " was expected");
        }
        String form = c[1];
        if (form.isEmpty()) {
            throw new InputException(at, "empty FORM");
        }
        List<String> set = new ArrayList<>();
        String upos = c[3];
        if (upos.isEmpty()) {
            throw new InputException(at, "empty UPOS (write _ for none)");
        }
        if (upos.chars().anyMatch(Character::isWhitespace)) {
            throw new InputException(at, "bad UPOS \"" + upos + "\" (it has whitespace)");
        }
        if (!upos.equals("_")) {
            set.add("UPOS=" + upos);
        }
        String feats = c[5];
        if (feats.isEmpty()) {
            throw new InputException(at, "empty FEATS (write _ for none)");
        }
        if (!feats.equals("_")) {
            for (String f : feats.split("\\|", -1)) {
                int eq = f.indexOf('=');
                if (eq <= 0 || eq == f.length() - 1 || f.indexOf('=', eq + 1) >= 0 || !f.strip().equals(f)) {
                    throw new InputException(at, "bad feature \"" + f + "\" in FEATS \"" + feats
                            + "\" (expected Name=Value pairs separated by |)");
                }
                set.add(f);
            }
        }
        words.add(form);
        labels.add(set);
        locations.add(at);
    }
}
