// The lineage tree's shape, independent of drawing: children lists, and which subtrees start folded so a tree of
// 100,000 trials opens with a few thousand drawn. Pure: tested by src/test/tree.test.js.

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

/** How many nodes a subtree holds (the node included). */
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
    let size = 1;
    for (const c of tree.children.get(id) || []) size += sizes.get(c);
    sizes.set(id, size);
  }
  return sizes;
}

/**
 * The nodes to fold at first: none when the tree has at most `limit` nodes; otherwise every node off the chain to
 * the best is folded, and then the chain's direct children are unfolded breadth-first while the drawn count stays
 * under the limit.
 */
export function initialFolds(tree, chain, limit, sizes = subtreeSizes(tree)) {
  const folded = new Set();
  if (!tree.root || sizes.get(tree.root) <= limit) return folded;
  const onChain = new Set(chain);
  let drawn = 0;
  // the chain and every chain node's children are drawn; children off the chain start folded
  const queue = [];
  for (const id of chain.length ? chain : [tree.root]) {
    drawn++;
    for (const c of tree.children.get(id) || []) {
      if (onChain.has(c)) continue;
      drawn++;
      if (tree.children.has(c)) {
        folded.add(c);
        queue.push(c);
      }
    }
  }
  // unfold the smallest folded subtrees first while there is room
  queue.sort((a, b) => sizes.get(a) - sizes.get(b));
  for (const id of queue) {
    const extra = sizes.get(id) - 1;
    if (drawn + extra > limit) break;
    folded.delete(id);
    drawn += extra;
  }
  return folded;
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
