package org.multitag.tokenizer.model;

import java.util.Arrays;

/**
 * A trie over code points with an int value per node, stored as one open-addressing hash table of
 * {@code (node, code point) -> child} edges: no object per node and one probe per character walked.
 */
public final class CodePointTrie {

    public static final int ROOT = 0;
    public static final int NONE = -1;

    private long[] keys;
    private int[] children;
    private int mask;
    private int edges;
    private int[] values = new int[16];
    private int nodes = 1;

    public CodePointTrie(int expectedEdges) {
        int cap = Integer.highestOneBit(Math.max(16, expectedEdges * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, -1L);
        children = new int[cap];
        mask = cap - 1;
        values[ROOT] = NONE;
    }

    /** Adds {@code word[from..]} (code points) with {@code value}; an existing value is kept (first wins). */
    public void put(int[] word, int from, int value) {
        int node = ROOT;
        for (int i = from; i < word.length; i++) {
            int next = child(node, word[i]);
            if (next == NONE) {
                next = addNode();
                addEdge(node, word[i], next);
            }
            node = next;
        }
        if (values[node] == NONE) {
            values[node] = value;
        }
    }

    /** The child of {@code node} along code point {@code cp}, or {@link #NONE}. */
    public int child(int node, int cp) {
        long key = ((long) node << 21) | cp;
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return children[i];
            }
            if (k == -1L) {
                return NONE;
            }
            i = (i + 1) & mask;
        }
    }

    /** The value stored at {@code node}, or {@link #NONE}. */
    public int value(int node) {
        return values[node];
    }

    private int addNode() {
        if (nodes == values.length) {
            values = Arrays.copyOf(values, nodes * 2);
        }
        values[nodes] = NONE;
        return nodes++;
    }

    private void addEdge(int node, int cp, int child) {
        if ((edges + 1) * 2 > keys.length) {
            grow();
        }
        long key = ((long) node << 21) | cp;
        int i = mix(key) & mask;
        while (keys[i] != -1L) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        children[i] = child;
        edges++;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldChildren = children;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, -1L);
        children = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != -1L) {
                int i = mix(oldKeys[j]) & mask;
                while (keys[i] != -1L) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                children[i] = oldChildren[j];
            }
        }
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }
}
