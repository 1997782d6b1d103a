import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, href, legacyRedirect, filterQuery } from '../main/web/src/route.js';

test('a trials view with its filter round-trips through the URL', () => {
  const link = href('trials', { campaign: 'golf mini' }, { status: 'keep', sort: '-score', q: '', page: 2 });
  assert.equal(link, '#/campaign/golf%20mini/trials?status=keep&sort=-score&page=2');
  const route = parseRoute(link);
  assert.equal(route.name, 'trials');
  assert.equal(route.params.campaign, 'golf mini');
  assert.deepEqual(filterQuery(route.query), { status: 'keep', sort: '-score', page: '2' });
});

test('each view has its route', () => {
  assert.equal(parseRoute('').name, 'campaigns');
  assert.equal(parseRoute('#/campaign/c1').name, 'overview');
  assert.equal(parseRoute('#/campaign/c1/tree?focus=7').query.focus, '7');
  assert.deepEqual(parseRoute('#/trial/57').params, { trial: '57' });
  assert.equal(parseRoute('#/compare?ids=1,2').query.ids, '1,2');
  assert.equal(parseRoute('#/nowhere').name, 'missing');
});

test('the old browser address opens the campaign trials', () => {
  assert.equal(legacyRedirect('?campaign=e2e'), '#/campaign/e2e/trials');
  assert.equal(legacyRedirect(''), null);
});
