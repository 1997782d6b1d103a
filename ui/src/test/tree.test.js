import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTree, subtreeSizes, initialFolds, visibleIds } from '../main/web/src/tree/model.js';

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

test('a small tree starts unfolded', () => {
  const tree = buildTree(nodes);
  assert.equal(initialFolds(tree, ['0', '1', '3'], 100).size, 0);
  assert.deepEqual(visibleIds(tree, new Set()), ['0', '1', '3', '4', '2', '5', '6']);
});

test('a large tree keeps the chain to the best and folds what does not fit', () => {
  const tree = buildTree(nodes);
  const folded = initialFolds(tree, ['0', '1', '3'], 5);
  assert.deepEqual([...folded], ['2']);
  assert.deepEqual(visibleIds(tree, folded), ['0', '1', '3', '4', '2']);
});
