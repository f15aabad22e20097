package org.multitag.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-picked inputs that exercise each stage, compared field by field with HF tokenizers. */
class ParitySmokeTest {

    static final List<String> TEXTS = List.of(
            "Hello, world!",
            "The quick brown fox jumps over the lazy dog.",
            "Héllo 😀 wörld [MASK] don't",
            "  leading and trailing  ",
            "",
            " ",
            "[CLS] [SEP][MASK][UNK]x[PAD]",
            "[mask] is lowercase",
            "naïve café résumé Ångström ΑΘΗΝΑ İstanbul ß ﬁ",
            "中文字符和日本語のテキスト，한국어",
            "tab\tnew\nline\rret\u000bvt\u00a0nbsp\u2007fig\u202fnnbsp\u3000ideo",
            "zero\u200bwidth\u200djoiner\ufeffbom\u00adsoft",
            "control\u0001\u0007\u001f\u007f\u0085\u009f chars \ufffd replacement",
            "a\u0301\u0323 e\u0323\u0301 combining order",
            "unaffable antidisestablishmentarianism supercalifragilisticexpialidocious",
            "x".repeat(99) + " " + "y".repeat(100) + " " + "z".repeat(101),
            "👩‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 1️⃣ emoji sequences",
            "Price: $1,234.56 (approx.) -- e-mail: a@b.c; 50% off!!! ¿Qué? «quotes» „deutsch“",
            "𝐌𝐚𝐭𝐡 𝔉𝔯𝔞𝔨𝔱𝔲𝔯 𠀀𠀁 astral ideographs");

    static Stream<Arguments> configs() {
        return Stream.of(Arguments.of("minilm", Fixtures.miniLmJson()),
                Arguments.of("bert-base-cased", Fixtures.bertBaseCasedJson()),
                Arguments.of("tinybert", Fixtures.tinyBertJson()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void singleAndPairMatchHf(String name, Path json) throws IOException {
        Tokenizer ours = Tokenizer.load(json).withTruncation(null).withPadding(null);
        try (HuggingFaceTokenizer hf = HfReference.plain(json)) {
            for (String text : TEXTS) {
                for (boolean special : new boolean[] {true, false}) {
                    assertNull(HfReference.diff(text, null, hf.encode(text, special, false),
                            ours.encode(text, null, special)), () -> name + " text=" + text);
                }
                String pair = TEXTS.get(Math.abs(text.hashCode()) % TEXTS.size());
                assertNull(HfReference.diff(text, pair, hf.encode(text, pair, true, false),
                        ours.encode(text, pair, true)), () -> name + " pair=" + text + " | " + pair);
                long[] ids = hf.encode(text, true, false).getIds();
                for (boolean skip : new boolean[] {true, false}) {
                    assertEquals(hf.decode(ids, skip), ours.decode(HfReference.toInt(ids), skip),
                            () -> name + " decode " + text);
                }
            }
        }
    }
}
