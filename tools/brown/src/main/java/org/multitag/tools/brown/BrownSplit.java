package org.multitag.tools.brown;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fixed, genre-stratified train/dev/test split of the Brown corpus by file.
 *
 * <p>For each genre, take its files sorted by name ({@code n} of them) and let {@code k = max(1, round(n / 10))}.
 * Cut the list into {@code k} consecutive blocks, block {@code b} holding files {@code floor(b*n/k)} up to
 * {@code floor((b+1)*n/k) - 1}. In every block the last file goes to test, the one before it to dev, and the rest
 * to train. So each genre gives about 80/10/10 of its files, dev and test are spread over the whole genre (Brown
 * orders a genre's files by sub-genre), and even the 6-file science-fiction genre has a dev and a test file.
 */
final class BrownSplit {

    /** A split name. */
    public enum Part {
        TRAIN, DEV, TEST;

        /** Lower-case name, as in the file names ({@code train.jsonl.gz}). */
        public String fileStem() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private BrownSplit() {}

    /**
     * Assigns every file to a part.
     *
     * @param genreOf file name → genre (as in the corpus's {@code cats.txt})
     * @return file name → part, in file-name order
     */
    public static Map<String, Part> assign(Map<String, String> genreOf) {
        Map<String, List<String>> byGenre = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(genreOf).entrySet()) {
            byGenre.computeIfAbsent(e.getValue(), g -> new ArrayList<>()).add(e.getKey());
        }
        Map<String, Part> out = new TreeMap<>();
        for (List<String> files : byGenre.values()) {
            int n = files.size();
            int k = Math.max(1, (int) Math.round(n / 10.0));
            for (int b = 0; b < k; b++) {
                int from = (int) ((long) b * n / k);
                int to = (int) ((long) (b + 1) * n / k);
                for (int i = from; i < to; i++) {
                    Part p = i == to - 1 ? Part.TEST : i == to - 2 ? Part.DEV : Part.TRAIN;
                    out.put(files.get(i), p);
                }
            }
        }
        return new LinkedHashMap<>(out);
    }
}
