package org.multitag.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CoNLL-U read as documents instead of sentences: a document starts at a sentence whose comments hold a
 * {@code # newdoc} line (with or without {@code id = ...}, as the CoNLL-U format writes it) and runs to the next
 * one; sentences before the first such line form a document of their own, so a file without any is one document.
 * A document's words are its sentences' words in order, as if the sentences were joined with spaces; each word
 * keeps its gold labels and its {@code file:line}, so predictions map back to the sentences.
 */
public final class ConlluDocuments {

    private static final Pattern NEWDOC = Pattern.compile("#\\s*newdoc(?:\\s.*)?");

    private ConlluDocuments() {}

    /** Whether {@code line} is a CoNLL-U {@code # newdoc} comment: the sentence it belongs to starts a document. */
    public static boolean startsDocument(String line) {
        return NEWDOC.matcher(line.strip()).matches();
    }

    /** One document from its sentences: their words, labels and word locations in order, at the first's source. */
    static SourceRecord.Words join(List<SourceRecord.Words> sentences) {
        List<String> words = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        List<String> locations = new ArrayList<>();
        for (SourceRecord.Words s : sentences) {
            words.addAll(s.words());
            labels.addAll(s.labels());
            for (int w = 0; w < s.words().size(); w++) {
                locations.add(s.location(w));
            }
        }
        return new SourceRecord.Words(sentences.get(0).source(), words, labels, locations);
    }
}
