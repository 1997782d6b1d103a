// The lineage tree's shape, independent of drawing: children lists, subtree sizes, and the subtrees fetched when a
// folded node is opened. The server decides what starts folded (a tree of 100,000 trials comes as 10,000 rows, a
// folded node's `hidden` counting what it holds: TreeFolds.java). Pure: tested by src/test/tree.test.js.

/** {root, byId, children} from rows in depth-first order (parents before children). */
export function buildTree(nodes) {
  const byId = new Map();
  const children = new Map();
  let root = null;
  for (const n of nodes) {
    byId.set(n.id, n);
    if (n.parent && byId.has(n.parent)) {
      let list = children.get(n.parent);
      if (!list) children.set(n.parent, (list = []));
      list.push(n.id);
    } else if (!root) {
      root = n.id;
    }
  }
  return { root, byId, children };
}

/** How many trials a subtree holds (the node included, and the trials a folded node hides). */
export function subtreeSizes(tree) {
  const sizes = new Map();
  const order = [];
  const stack = tree.root ? [tree.root] : [];
  while (stack.length) {
    const id = stack.pop();
    order.push(id);
    for (const c of tree.children.get(id) || []) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    let size = 1 + (tree.byId.get(id).hidden || 0);
    for (const c of tree.children.get(id) || []) size += sizes.get(c);
    sizes.set(id, size);
  }
  return sizes;
}

/** The nodes drawn with these folds, in depth-first order. */
export function visibleIds(tree, folded) {
  const out = [];
  const stack = tree.root ? [tree.root] : [];
  while (stack.length) {
    const id = stack.pop();
    out.push(id);
    if (folded.has(id)) continue;
    const kids = tree.children.get(id) || [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

/** Whether the server left this node's subtree out (it is drawn folded until its subtree is fetched). */
export function hidesTrials(node) {
  return !!node && node.hidden > 0;
}

/**
 * The rows of the whole tree and of subtrees fetched under folded nodes, as one depth-first list: each subtree's
 * first row replaces the node it was fetched for (which then hides nothing) and its other rows follow; a subtree
 * whose node is no longer in the rows is dropped.
 */
export function mergeSubtrees(nodes, subtrees) {
  const out = nodes.slice();
  const at = new Map(out.map((n, i) => [n.id, i]));
  for (const sub of subtrees) {
    if (!sub.length || !at.has(sub[0].id)) continue;
    out[at.get(sub[0].id)] = sub[0];
    for (const n of sub.slice(1)) {
      if (at.has(n.id)) continue;
      at.set(n.id, out.length);
      out.push(n);
    }
  }
  return out;
}
