package org.multitag.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Word-level tagging accuracies of the CoNLL 2018 UD shared task, computed from label sets instead of CoNLL-U
 * files. Labels are {@code UPOS=<UPOS>} plus every {@code Feature=Value} of the FEATS column as written; any other
 * label containing {@code =} (after position 0) is a feature too, and a label without {@code =} is neither UPOS
 * nor a feature, so no metric here looks at it.
 *
 * <p>The reference is the official evaluation script of the UniversalDependencies/tools repository,
 * {@code udtools/src/udtools/udeval.py} (imported by {@code eval.py}), read at commit
 * {@code 446bd969636069ec01e16be89da44af5454363af} (udeval.py last changed in
 * {@code db5092cd79658f38fefffe838ea348760317e510}). It does:
 * <ul>
 *   <li>UPOS: a word is right when its system UPOS column equals the gold one (plain string equality, so
 *       {@code _} equals {@code _});</li>
 *   <li>UFeats: on loading, FEATS is split on {@code |}, each item kept only when the part before the first
 *       {@code =} is in {@link #UNIVERSAL_FEATURES}, the kept items sorted and joined; a word is right when these
 *       strings are equal. So {@code _} and "no universal feature" both become the empty string, order does not
 *       matter, and layered features such as {@code Number[psor]} are dropped (their name is not in the list);</li>
 *   <li>AllTags: UPOS, XPOS and the filtered FEATS all right (not computed here: labels carry no XPOS).</li>
 * </ul>
 * With identical tokenisation every word is aligned, so the script's precision, recall, F1 and aligned accuracy
 * all equal right words / words, which is what {@link Scores} gives.
 *
 * <p>Departures forced by label sets, chosen to stay what the script would report on the written file where
 * possible: the label sets are compared as sets (a duplicate label counts once); a prediction with no UPOS label
 * is read as UPOS {@code _} (as {@link ConlluWriter} writes it), so it is wrong unless the gold UPOS is
 * {@code _} too; a prediction with several UPOS labels is always wrong, because the script can only see one value
 * and taking "any" or "the first" would reward hedging or depend on collection order. Both cases are counted in
 * {@link Scores#wordsWithoutOneUpos()}. Gold labels the model never knew are simply passed inside {@code gold}:
 * the prediction lacks them, so the metric they belong to counts the word wrong.
 *
 * <p>Not thread-safe.
 */
public final class UdMetrics {

    /** The script's {@code UNIVERSAL_FEATURES}, verbatim: the only features UFeats compares. */
    public static final Set<String> UNIVERSAL_FEATURES = Set.of(
            "PronType", "NumType", "Poss", "Reflex", "Foreign", "Abbr", "Gender",
            "Animacy", "Number", "Case", "Definite", "Degree", "VerbForm", "Mood",
            "Tense", "Aspect", "Voice", "Evident", "Polarity", "Person", "Polite");

    private static final String UPOS = "UPOS=";

    /**
     * Shares of words (right words / words, 0 when there are no words); snake_case keys in JSON.
     *
     * @param words               words added
     * @param upos                the script's UPOS: predicted UPOS equals gold UPOS
     * @param ufeats              the script's UFeats: universal features equal
     * @param uposFeats           UPOS right and the whole FEATS right (every feature, universal or not); unlike the
     *                            script's AllTags this has no XPOS and does not filter FEATS
     * @param allFeats            the whole FEATS right, every feature
     * @param wordsWithoutOneUpos words whose prediction has zero or more than one UPOS label
     */
    public record Scores(@JsonProperty("words") long words, @JsonProperty("upos") double upos,
            @JsonProperty("ufeats") double ufeats, @JsonProperty("upos_feats") double uposFeats,
            @JsonProperty("all_feats") double allFeats,
            @JsonProperty("words_without_one_upos") long wordsWithoutOneUpos) {
    }

    private long words;
    private long uposRight;
    private long ufeatsRight;
    private long uposFeatsRight;
    private long allFeatsRight;
    private long withoutOneUpos;

    public UdMetrics() {
    }

    /**
     * Adds one word.
     *
     * @param gold      the gold label names (may include names the model never knew)
     * @param predicted the predicted label names
     */
    public void addWord(Collection<String> gold, Collection<String> predicted) {
        Tags g = Tags.of(gold);
        Tags p = Tags.of(predicted);
        words++;
        if (p.uposCount != 1) {
            withoutOneUpos++;
        }
        // At most one UPOS on each side, then plain string comparison with "_" for none, as the script compares
        // the UPOS columns.
        boolean upos = p.uposCount <= 1 && g.uposCount <= 1 && p.upos.equals(g.upos);
        boolean allFeats = p.feats.equals(g.feats);
        if (upos) {
            uposRight++;
        }
        if (p.universal.equals(g.universal)) {
            ufeatsRight++;
        }
        if (allFeats) {
            allFeatsRight++;
        }
        if (upos && allFeats) {
            uposFeatsRight++;
        }
    }

    /** The number of words added. */
    public long words() {
        return words;
    }

    /** The accuracies over the words added so far. */
    public Scores scores() {
        return new Scores(words, share(uposRight), share(ufeatsRight), share(uposFeatsRight), share(allFeatsRight),
                withoutOneUpos);
    }

    private double share(long right) {
        return words == 0 ? 0.0 : (double) right / words;
    }

    /** One word's labels split the way the script splits the columns. */
    private static final class Tags {
        String upos = "_";
        int uposCount;
        final Set<String> feats = new HashSet<>();
        final Set<String> universal = new HashSet<>();

        static Tags of(Collection<String> labels) {
            Tags t = new Tags();
            for (String label : new HashSet<>(labels)) {
                int eq = label.indexOf('=');
                if (label.startsWith(UPOS)) {
                    t.upos = label.substring(UPOS.length());
                    t.uposCount++;
                } else if (eq > 0) {
                    t.feats.add(label);
                    // The script keeps a FEATS item when feat.split("=", 1)[0] is in UNIVERSAL_FEATURES.
                    if (UNIVERSAL_FEATURES.contains(label.substring(0, eq))) {
                        t.universal.add(label);
                    }
                }
            }
            return t;
        }
    }
}
