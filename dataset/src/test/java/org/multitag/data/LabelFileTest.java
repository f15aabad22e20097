package org.multitag.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.LabelSet;

class LabelFileTest {

    @TempDir
    Path tmp;

    @Test
    void writesAndReadsOneLabelPerLineInOrder() throws IOException {
        LabelSet labels = LabelSet.of(List.of("UPOS=NOUN", "Number=Sing", "Tier=Ünïcödé", "A"));
        Path file = tmp.resolve("sub/labels.txt");
        LabelFile.write(file, labels);
        assertArrayEquals("UPOS=NOUN\nNumber=Sing\nTier=Ünïcödé\nA\n".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(file));
        assertEquals(labels, LabelFile.read(file));
    }

    @Test
    void lastLineEndAndCarriageReturnsAndBomAreFine() throws IOException {
        Path file = tmp.resolve("labels.txt");
        Files.write(file, "\uFEFFA\r\nB\r\nC".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("A", "B", "C"), LabelFile.read(file).names());
    }

    @Test
    void badLabelFilesNameFileAndLine() throws IOException {
        Path dup = TestData.write(tmp, "dup.txt", "A\nB\nA\n");
        ExampleReaderTest.assertError(dup + ":3", "duplicate label \"A\" (first on line 1)", () -> LabelFile.read(dup));
        Path blank = TestData.write(tmp, "blank.txt", "A\n\nB\n");
        ExampleReaderTest.assertError(blank + ":2", "blank line (a labels file has one label per line)",
                () -> LabelFile.read(blank));
        Path trailingBlank = TestData.write(tmp, "trailing.txt", "A\nB\n\n");
        ExampleReaderTest.assertError(trailingBlank + ":3", "blank line (a labels file has one label per line)",
                () -> LabelFile.read(trailingBlank));
        Path spaces = TestData.write(tmp, "spaces.txt", "A\nB \n");
        ExampleReaderTest.assertError(spaces + ":2", "label \"B \" has surrounding whitespace",
                () -> LabelFile.read(spaces));
        Path empty = TestData.write(tmp, "empty.txt", "");
        ExampleReaderTest.assertError(empty.toString(), "no input: empty, or only blank lines",
                () -> LabelFile.read(empty));
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "A\nB\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ExampleReaderTest.assertError(latin1 + ":2", "not valid UTF-8", () -> LabelFile.read(latin1));
        ExampleReaderTest.assertError(tmp.resolve("none.txt").toString(), "no such file",
                () -> LabelFile.read(tmp.resolve("none.txt")));
        assertThrows(IllegalArgumentException.class,
                () -> LabelFile.write(tmp.resolve("x.txt"), LabelSet.of(List.of("A\nB"))));
    }
}
