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
 * keeps the chain to the best and, of each chain node's other children, a fair share of the room left (oldest first),
 * folds their subtrees, then unfolds the smallest folded subtrees while the drawn count stays within the limit. A node
 * carries how many trials below it were not sent ({@code hidden}): all of them for a folded node, the children left
 * out for a chain node that stays open. The browser asks for a node's subtree when it is opened. Done here rather
 * than in the browser so a campaign of 100,000 trials sends 10,000 rows, not 100,000 to be folded in JavaScript.
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
        List<Integer> chainAt = new ArrayList<>();
        Set<Integer> onChain = new HashSet<>();
        chain.stream().map(at::get).filter(i -> i != null && onChain.add(i)).forEach(chainAt::add);
        if (onChain.isEmpty()) {
            onChain.add(0);
            chainAt.add(0);
        }
        // the chain is drawn, and of each chain node's other children a fair share of the room left (oldest first;
        // a chain node with few takes all, the rest split what it leaves); a child with trials below starts folded
        Map<Integer, List<Integer>> offChain = new HashMap<>();
        for (int c : chainAt) {
            List<Integer> kids = children.get(c) == null ? List.of() : children.get(c);
            offChain.put(c, kids.stream().filter(k -> !onChain.contains(k)).toList());
        }
        long room = Math.max(0, limit - chainAt.size());
        List<Integer> byCount = new ArrayList<>(chainAt);
        byCount.sort(Comparator.<Integer>comparingInt(c -> offChain.get(c).size()).thenComparingInt(c -> c));
        Set<Integer> left = new HashSet<>();
        long drawn = chainAt.size();
        Set<Integer> folded = new HashSet<>();
        List<Integer> candidates = new ArrayList<>();
        for (int k = 0; k < byCount.size(); k++) {
            List<Integer> kids = offChain.get(byCount.get(k));
            long share = room / (byCount.size() - k);
            int take = (int) Math.min(kids.size(), share);
            room -= take;
            drawn += take;
            for (int j = 0; j < kids.size(); j++) {
                int child = kids.get(j);
                if (j >= take) {
                    left.add(child);
                } else if (children.get(child) != null) {
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
        // what a chain node's children left out hold: the chain node shows it ("+N more") and opens it on request
        Map<Integer, Long> leftOut = new HashMap<>();
        for (int child : left) {
            leftOut.merge(parent[child], size[child], Long::sum);
        }
        for (int i = 0; i < n; i++) {
            int p = parent[i];
            if (i != 0 && (p < 0 || !shown[p] || folded.contains(p) || left.contains(i))) {
                continue;
            }
            shown[i] = true;
            LineageTree.Node row = rows.get(i);
            out.add(folded.contains(i) ? row.hiding(size[i] - 1)
                    : leftOut.containsKey(i) ? row.hiding(leftOut.get(i)) : row);
        }
        return out;
    }
}
