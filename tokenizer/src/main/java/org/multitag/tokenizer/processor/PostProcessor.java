package org.multitag.tokenizer.processor;

import java.util.List;

/**
 * Adds special tokens around one sequence or a pair (HF {@code TemplateProcessing} / {@code BertProcessing}),
 * described as a template that the tokenizer applies.
 */
public final class PostProcessor {

    private final List<TemplatePiece> single;
    private final List<TemplatePiece> pair;

    public PostProcessor(List<TemplatePiece> single, List<TemplatePiece> pair) {
        this.single = List.copyOf(single);
        this.pair = List.copyOf(pair);
    }

    /** BERT's {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}, as HF's {@code BertProcessing}. */
    public static PostProcessor bert(String cls, int clsId, String sep, int sepId) {
        TemplatePiece.Special c0 = new TemplatePiece.Special(cls, List.of(clsId), List.of(cls), 0);
        TemplatePiece.Special s0 = new TemplatePiece.Special(sep, List.of(sepId), List.of(sep), 0);
        TemplatePiece.Special s1 = new TemplatePiece.Special(sep, List.of(sepId), List.of(sep), 1);
        return new PostProcessor(
                List.of(c0, new TemplatePiece.Sequence(0, 0), s0),
                List.of(c0, new TemplatePiece.Sequence(0, 0), s0, new TemplatePiece.Sequence(1, 1), s1));
    }

    /** No special tokens: sequences are concatenated as they are. */
    public static PostProcessor none() {
        return new PostProcessor(List.of(new TemplatePiece.Sequence(0, 0)),
                List.of(new TemplatePiece.Sequence(0, 0), new TemplatePiece.Sequence(1, 1)));
    }

    public List<TemplatePiece> template(boolean isPair) {
        return isPair ? pair : single;
    }

    /** Number of special tokens the template adds. */
    public int addedTokens(boolean isPair) {
        int n = 0;
        for (TemplatePiece p : template(isPair)) {
            if (p instanceof TemplatePiece.Special s) {
                n += s.ids().size();
            }
        }
        return n;
    }
}
