package org.multitag.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.multitag.data.ConlluDocuments;

/**
 * Writes predictions into a CoNLL-U file: the system file the official CoNLL 2018 evaluation script
 * ({@code eval.py}) compares with the gold file.
 *
 * <p>Sentences are the runs of non-blank lines, as the project's CoNLL-U reader sees them; a run with no word
 * line (only comments) is not a sentence and takes no prediction. Words are the lines whose ID is neither a
 * multiword token range ({@code 1-2}) nor an empty node ({@code 8.1}). On a word line only column 4 (UPOS) and
 * column 6 (FEATS) change:
 * <ul>
 *   <li>UPOS: the value of the first {@code UPOS=} label in the given order, {@code _} when there is none;</li>
 *   <li>FEATS: the labels containing {@code =} (after position 0) that are not {@code UPOS=} labels, joined with
 *       {@code |}, {@code _} when there are none; labels without {@code =} are dropped. They are sorted the way the
 *       UD validator checks them (UniversalDependencies/tools {@code udtools/src/udtools/level2.py},
 *       {@code check_feats_format}, commit {@code 446bd969636069ec01e16be89da44af5454363af}):
 *       {@code [f.lower() for f in feat_list] == sorted(f.lower() for f in feat_list)}, i.e. the whole
 *       {@code Feature=Value} items compared lower-cased, code point by code point (so {@code Number} comes before
 *       {@code NumType}). Duplicates are written once; two values of one feature given as two labels stay two
 *       items (the validator would flag them, the evaluation script does not care).</li>
 * </ul>
 * Everything else is copied unchanged: comments, blank lines, multiword token and empty node lines, and every
 * other column of a word line (the line is cut at its first six tabs only, so whatever follows FEATS, extra tabs
 * included, is kept as is). Each line is followed by {@code \n}.
 */
public final class ConlluWriter {

    /** The validator's order: lower-cased items in code point order; ties (case variants) by the exact string. */
    static final Comparator<String> FEATS_ORDER = Comparator.<String, String>comparing(f -> f.toLowerCase(Locale.ROOT))
            .thenComparing(Comparator.naturalOrder());

    private ConlluWriter() {
    }

    /**
     * @param lines       the lines of a CoNLL-U file, without line terminators (as {@code Files.readAllLines} gives)
     * @param predictions per sentence, per word, the predicted label names
     * @return the CoNLL-U text with the predicted UPOS and FEATS
     * @throws IllegalArgumentException when a sentence's word count differs from its predictions (the message
     *                                  names the sentence's first line, 1-based), when the sentence counts differ,
     *                                  or when a word line has fewer than 7 columns
     */
    public static String write(List<String> lines, List<List<List<String>>> predictions) {
        StringBuilder out = new StringBuilder();
        List<String> sentence = new ArrayList<>();
        int start = 0;
        int index = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : null;
            if (line == null || line.isBlank()) {
                // End of a sentence (or of nothing): write the run, then the blank line itself.
                index = flush(sentence, start, index, predictions, out);
                if (line != null) {
                    out.append(line).append('\n');
                }
                continue;
            }
            if (sentence.isEmpty()) {
                start = i + 1;
            }
            sentence.add(line);
        }
        if (index != predictions.size()) {
            throw new IllegalArgumentException(
                    "the file has " + index + " sentences but there are " + predictions.size() + " predictions");
        }
        return out.toString();
    }

    /** One sentence of a CoNLL-U file: its first line (1-based) and the FORM of each word, in order. */
    public record Sentence(int line, List<String> words) {}

    /**
     * The sentences of a CoNLL-U file as {@link #write} sees them (runs of non-blank lines with at least one word
     * line; multiword tokens and empty nodes are not words): what to predict, one label list per word.
     *
     * @throws IllegalArgumentException for a word line with fewer than 7 columns (naming the line)
     */
    public static List<Sentence> sentences(List<String> lines) {
        List<Sentence> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : null;
            if (line == null || line.isBlank()) {
                if (!words.isEmpty()) {
                    out.add(new Sentence(start, List.copyOf(words)));
                    words.clear();
                }
                start = 0;
                continue;
            }
            if (start == 0) {
                start = i + 1;
            }
            if (line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t", 7);
            if (c.length < 7) {
                throw new IllegalArgumentException("line " + (i + 1) + ": not a CoNLL-U word line: " + line);
            }
            if (c[0].indexOf('-') < 0 && c[0].indexOf('.') < 0) {
                words.add(c[1]);
            }
        }
        return out;
    }

    /**
     * The sentences of {@link #sentences} grouped into documents as {@link ConlluDocuments} reads them (a
     * {@code # newdoc} comment starts one; a comment-only run passes its {@code # newdoc} on to the next sentence),
     * in order: what to tag as documents, each sentence's predictions then written back with {@link #write}.
     *
     * @throws IllegalArgumentException as {@link #sentences}
     */
    public static List<List<Sentence>> documents(List<String> lines) {
        List<Sentence> sentences = sentences(lines);
        List<List<Sentence>> out = new ArrayList<>();
        boolean pending = false;
        boolean words = false;
        int next = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : null;
            if (line == null || line.isBlank()) {
                if (words) {
                    if (pending || out.isEmpty()) {
                        out.add(new ArrayList<>());
                    }
                    out.get(out.size() - 1).add(sentences.get(next++));
                    pending = false;
                }
                words = false;
                continue;
            }
            if (line.startsWith("#")) {
                pending |= ConlluDocuments.startsDocument(line);
            } else {
                words |= isWord(line);
            }
        }
        return out;
    }

    private static boolean isWord(String line) {
        String id = line.split("\t", 2)[0];
        return id.indexOf('-') < 0 && id.indexOf('.') < 0;
    }

    /** Writes one run of non-blank lines; returns the index of the next sentence's predictions. */
    private static int flush(List<String> run, int start, int index, List<List<List<String>>> predictions,
                             StringBuilder out) {
        if (run.isEmpty()) {
            return index;
        }
        List<String[]> words = new ArrayList<>();
        List<String[]> cut = new ArrayList<>();
        for (int k = 0; k < run.size(); k++) {
            String line = run.get(k);
            String[] c = line.startsWith("#") ? null : line.split("\t", 7);
            if (c != null && c.length < 7) {
                throw new IllegalArgumentException("line " + (start + k) + ": not a CoNLL-U word line: " + line);
            }
            if (c != null && (c[0].indexOf('-') >= 0 || c[0].indexOf('.') >= 0)) {
                c = null; // multiword token or empty node: copied
            }
            cut.add(c);
            if (c != null) {
                words.add(c);
            }
        }
        if (words.isEmpty()) {
            run.forEach(l -> out.append(l).append('\n'));
            run.clear();
            return index;
        }
        if (index >= predictions.size()) {
            throw new IllegalArgumentException("sentence at line " + start + ": no predictions left (only "
                    + predictions.size() + " sentences predicted)");
        }
        List<List<String>> predicted = predictions.get(index);
        if (predicted.size() != words.size()) {
            throw new IllegalArgumentException("sentence at line " + start + " (sentence " + (index + 1) + "): "
                    + words.size() + " words but " + predicted.size() + " predictions");
        }
        int w = 0;
        for (int k = 0; k < run.size(); k++) {
            String[] c = cut.get(k);
            if (c == null) {
                out.append(run.get(k)).append('\n');
                continue;
            }
            List<String> labels = predicted.get(w++);
            c[3] = upos(labels);
            c[5] = feats(labels);
            out.append(String.join("\t", c)).append('\n');
        }
        run.clear();
        return index + 1;
    }

    private static String upos(List<String> labels) {
        for (String l : labels) {
            if (l.startsWith("UPOS=")) {
                return l.substring(5);
            }
        }
        return "_";
    }

    private static String feats(List<String> labels) {
        List<String> feats = labels.stream()
                .filter(l -> !l.startsWith("UPOS=") && l.indexOf('=') > 0)
                .distinct()
                .sorted(FEATS_ORDER)
                .toList();
        return feats.isEmpty() ? "_" : String.join("|", feats);
    }
}
