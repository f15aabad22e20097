package org.multitag.train.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.multitag.core.LabelSet;

/**
 * Named subsets of a label set, each scored by its own subset accuracy (a word is right when its predicted labels
 * within the group equal its gold labels within the group). For the CoNLL-U schema ({@code UPOS=X} plus
 * {@code Feature=Value} labels) the groups are {@code UPOS} and {@code UFeats}: the CoNLL 2018 shared task's UPOS
 * and UFeats accuracies (UFeats: the whole FEATS column right, "no features" included).
 */
public record LabelGroups(Map<String, boolean[]> members) {

    public static final LabelGroups NONE = new LabelGroups(Map.of());

    public LabelGroups {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** The groups the label names imply: UPOS and UFeats when some label starts with {@code UPOS=}, else none. */
    public static LabelGroups of(LabelSet labels) {
        int n = labels.size();
        boolean ud = false;
        for (int l = 0; l < n; l++) {
            ud |= labels.name(l).startsWith("UPOS=");
        }
        if (!ud) {
            return NONE;
        }
        boolean[] upos = new boolean[n];
        boolean[] feats = new boolean[n];
        for (int l = 0; l < n; l++) {
            String name = labels.name(l);
            upos[l] = name.startsWith("UPOS=");
            feats[l] = !upos[l] && name.indexOf('=') > 0;
        }
        Map<String, boolean[]> m = new LinkedHashMap<>();
        m.put("UPOS", upos);
        m.put("UFeats", feats);
        return new LabelGroups(m);
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }
}
