package dev.looplab.platform.browse;

import dev.looplab.trial.TrialStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TreeFoldsTest {
    // root 0; chain 0 -> 1 -> 3; 2 holds a subtree of 3 (2 -> 5 -> 6), 7 one of 2 (7 -> 8)
    private static final List<LineageTree.Node> ROWS = List.of(node("0", null, 0), node("1", "0", 1),
            node("3", "1", 2), node("4", "1", 2), node("2", "0", 1), node("5", "2", 2), node("6", "5", 3),
            node("7", "0", 1), node("8", "7", 2));

    private static LineageTree.Node node(String id, String parent, int depth) {
        return new LineageTree.Node(id, parent, depth, "optimizer", TrialStatus.discard, 4.0, 0);
    }

    private static List<String> ids(List<LineageTree.Node> nodes) {
        return nodes.stream().map(LineageTree.Node::id).toList();
    }

    @Test
    void aTreeWithinTheLimitIsSentWhole() {
        assertThat(TreeFolds.fold(ROWS, List.of("0", "1", "3"), 9)).isEqualTo(ROWS);
    }

    @Test
    void aLargerTreeKeepsTheChainAndUnfoldsTheSmallestSubtreesThatFit() {
        // drawn at first: the chain 0, 1, 3 and the chain's other children 4, 2, 7 (2 and 7 folded) = 6;
        // 7 hides 1 trial and fits in 7, 2 hides 2 and does not
        List<LineageTree.Node> sent = TreeFolds.fold(ROWS, List.of("0", "1", "3"), 7);
        assertThat(ids(sent)).containsExactly("0", "1", "3", "4", "2", "7", "8");
        assertThat(sent.stream().filter(n -> n.hidden() > 0).map(n -> n.id() + ":" + n.hidden()))
                .containsExactly("2:2");
        assertThat(ids(TreeFolds.fold(ROWS, List.of("0", "1", "3"), 6))).containsExactly("0", "1", "3", "4", "2",
                "7");
    }

    @Test
    void withoutABestTheRootAndItsChildrenStayOpen() {
        List<LineageTree.Node> sent = TreeFolds.fold(ROWS, List.of(), 4);
        assertThat(ids(sent)).containsExactly("0", "1", "2", "7");
        assertThat(sent.stream().mapToLong(LineageTree.Node::hidden).sum()).as("every trial is drawn or counted")
                .isEqualTo(ROWS.size() - 4);
    }

    @Test
    void aFoldedNodeThatAlreadyHidTrialsCountsThemAgain() {
        List<LineageTree.Node> rows = new ArrayList<>(ROWS);
        rows.set(6, rows.get(6).hiding(100));
        LineageTree.Node two = TreeFolds.fold(rows, List.of("0", "1", "3"), 7).stream()
                .filter(n -> n.id().equals("2")).findFirst().orElseThrow();
        assertThat(two.hidden()).isEqualTo(102);
    }

    @Test
    void aChainNodeWithMoreChildrenThanRoomSendsTheOldestAndCountsTheRest() {
        List<LineageTree.Node> rows = new ArrayList<>(List.of(node("0", null, 0), node("1", "0", 1)));
        for (int i = 0; i < 10; i++) {
            rows.add(node("c" + i, "0", 1));
        }
        List<LineageTree.Node> sent = TreeFolds.fold(rows, List.of("0", "1"), 5);
        assertThat(ids(sent)).containsExactly("0", "1", "c0", "c1", "c2");
        assertThat(sent.get(0).hidden()).as("the root stays open and counts the 7 children left out").isEqualTo(7);
        assertThat(sent.stream().mapToLong(n -> 1 + n.hidden()).sum()).isEqualTo(rows.size());
    }

    @Test
    void aDeepChainOf100000TrialsFoldsToTheLimit() {
        List<LineageTree.Node> rows = new ArrayList<>();
        rows.add(node("r", null, 0));
        for (int branch = 0; branch < 100; branch++) {
            String head = "b" + branch;
            rows.add(node(head, "r", 1));
            for (int i = 0; i < 999; i++) {
                rows.add(node(head + "-" + i, head, 2));
            }
        }
        List<LineageTree.Node> sent = TreeFolds.fold(rows, List.of("r", "b7", "b7-3"), 10_000);
        assertThat(sent.size()).isLessThanOrEqualTo(10_000).isGreaterThan(9_000);
        assertThat(sent.stream().mapToLong(n -> 1 + n.hidden()).sum()).isEqualTo(rows.size());
        assertThat(ids(sent)).contains("b7-998");
    }
}
