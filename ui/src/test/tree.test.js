import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTree, subtreeSizes, visibleIds, mergeSubtrees } from '../main/web/src/tree/model.js';

// root 0; chain 0 -> 1 -> 3; 2 has a subtree of 3
const nodes = [
  { id: '0', parent: null }, { id: '1', parent: '0' }, { id: '3', parent: '1' }, { id: '4', parent: '1' },
  { id: '2', parent: '0' }, { id: '5', parent: '2' }, { id: '6', parent: '5' },
];

test('subtree sizes count the node and everything below it', () => {
  const sizes = subtreeSizes(buildTree(nodes));
  assert.equal(sizes.get('0'), 7);
  assert.equal(sizes.get('2'), 3);
  assert.equal(sizes.get('3'), 1);
});

test('folds hide subtrees from the drawn nodes', () => {
  const tree = buildTree(nodes);
  assert.deepEqual(visibleIds(tree, new Set()), ['0', '1', '3', '4', '2', '5', '6']);
  assert.deepEqual(visibleIds(tree, new Set(['2'])), ['0', '1', '3', '4', '2']);
});

test('a node the server folded counts the trials it hides, and its fetched subtree takes its place', () => {
  const sent = [{ id: '0', parent: null }, { id: '1', parent: '0' }, { id: '3', parent: '1' }, { id: '4', parent: '1' },
    { id: '2', parent: '0', hidden: 2 }];
  const folded = buildTree(sent);
  assert.equal(subtreeSizes(folded).get('0'), 7);
  assert.equal(subtreeSizes(folded).get('2'), 3);
  const merged = mergeSubtrees(sent, [[{ id: '2', parent: '0', hidden: 0 }, { id: '5', parent: '2', hidden: 1 }],
    [{ id: 'gone', parent: null }]]);
  assert.deepEqual(merged.map((n) => n.id), ['0', '1', '3', '4', '2', '5']);
  const tree = buildTree(merged);
  assert.deepEqual(visibleIds(tree, new Set()), ['0', '1', '3', '4', '2', '5']);
  assert.equal(subtreeSizes(tree).get('0'), 7, 'still every trial: 5 hides 6');
});

test('the linear hierarchy gives the tidy layout d3 hierarchy gives, depths and heights included', async () => {
  const { hierarchy, tree: tidyTree } = await import('d3-hierarchy');
  const { linearHierarchy } = await import('../main/web/src/tree/canvas.js');
  // a long chain (the path to the best) with side branches of varied depth
  const children = new Map();
  let next = 1;
  let seed = 7;
  const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const grow = (id, depth) => {
    const kids = [];
    const n = depth > 6 ? 0 : Math.floor(random() * 3);
    for (let i = 0; i < n; i++) { const c = next++; kids.push(c); grow(c, depth + 1); }
    children.set(id, kids);
  };
  let chain = 0;
  for (let i = 0; i < 300; i++) {
    const c = next++;
    const side = next++;
    children.set(chain, [c, side]);
    grow(side, 1);
    chain = c;
  }
  const childrenOf = (id) => children.get(id) || [];
  const layout = (root) => tidyTree().nodeSize([14, 56]).separation((a, b) => (a.parent === b.parent ? 1 : 1.5))(root);
  const expected = layout(hierarchy(0, childrenOf));
  const actual = layout(linearHierarchy(0, childrenOf));
  const shape = (root) => { const out = []; root.each((d) => out.push([d.data, d.depth, d.height, d.x, d.y])); return out; };
  assert.ok(next > 600);
  assert.deepEqual(shape(actual), shape(expected));
});
