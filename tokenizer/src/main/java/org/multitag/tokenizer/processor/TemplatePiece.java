package org.multitag.tokenizer.processor;

import java.util.List;

/** One element of a post-processing template: a special token or one of the input sequences. */
public sealed interface TemplatePiece {

    /** A special token (possibly several ids) inserted with the given type id. */
    record Special(String name, List<Integer> ids, List<String> tokens, int typeId) implements TemplatePiece {
        public Special {
            ids = List.copyOf(ids);
            tokens = List.copyOf(tokens);
            if (ids.size() != tokens.size()) {
                throw new IllegalArgumentException("special token '" + name + "': ids and tokens differ in length");
            }
        }
    }

    /** Sequence A ({@code index} 0) or B (1), given the type id. */
    record Sequence(int index, int typeId) implements TemplatePiece {}
}
