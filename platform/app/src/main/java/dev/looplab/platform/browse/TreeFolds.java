package dev.looplab.platform.browse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which part of a large tree the browser draws: a tree of at most {@code limit} nodes is sent whole; a larger one
 * keeps the chain to the best and every chain node's children, folds the other subtrees, then unfolds the smallest
 * folded subtrees while the drawn count stays within the limit. A folded node carries how many trials it hides, and
 * the browser asks for its subtree when it is unfolded. Done here rather than in the browser so a campaign of
 * 100,000 trials sends 10,000 rows, not 100,000 to be folded in JavaScript.
 */
final class TreeFolds {
    private TreeFolds() {
    }

    /**
     * The rows to send: {@code rows} in depth-first order with the first one the root and every parent before its
     * children, {@code chain} the trials to keep open (root first; ids not in the rows are ignored).
     */
    static List<LineageTree.Node> fold(List<LineageTree.Node> rows, List<String> chain, int limit) {
        if (rows.size() <= limit) {
            return rows;
        }
        int n = rows.size();
        Map<String, Integer> at = new HashMap<>(n * 2);
        int[] parent = new int[n];
        List<List<Integer>> children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            at.put(rows.get(i).id(), i);
            children.add(null);
            Integer p = i == 0 ? null : at.get(rows.get(i).parent());
            parent[i] = p == null ? -1 : p;
            if (p != null) {
                if (children.get(p) == null) {
                    children.set(p, new ArrayList<>(2));
                }
                children.get(p).add(i);
            }
        }
        long[] size = new long[n];
        for (int i = n - 1; i >= 0; i--) {
            size[i] += 1 + rows.get(i).hidden();
            if (parent[i] >= 0) {
                size[parent[i]] += size[i];
            }
        }
        Set<Integer> onChain = new HashSet<>();
        chain.stream().map(at::get).filter(i -> i != null).forEach(onChain::add);
        if (onChain.isEmpty()) {
            onChain.add(0);
        }
        Set<Integer> folded = new HashSet<>();
        List<Integer> candidates = new ArrayList<>();
        long drawn = 0;
        for (int c : onChain) {
            drawn++;
            for (int child : children.get(c) == null ? List.<Integer>of() : children.get(c)) {
                if (onChain.contains(child)) {
                    continue;
                }
                drawn++;
                if (children.get(child) != null) {
                    folded.add(child);
                    candidates.add(child);
                }
            }
        }
        candidates.sort(Comparator.<Integer>comparingLong(i -> size[i]).thenComparingInt(i -> i));
        for (int c : candidates) {
            long extra = size[c] - 1;
            if (drawn + extra > limit) {
                break;
            }
            folded.remove(c);
            drawn += extra;
        }
        List<LineageTree.Node> out = new ArrayList<>((int) Math.min(n, drawn + 16));
        boolean[] shown = new boolean[n];
        for (int i = 0; i < n; i++) {
            int p = parent[i];
            if (i != 0 && (p < 0 || !shown[p] || folded.contains(p))) {
                continue;
            }
            shown[i] = true;
            LineageTree.Node row = rows.get(i);
            out.add(folded.contains(i) ? row.hiding(size[i] - 1) : row);
        }
        return out;
    }
}
