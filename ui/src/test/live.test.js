import { test, mock } from 'node:test';
import assert from 'node:assert/strict';

// the page's globals, as a browser has them: the stream's connections are counted, pages hide and leave
const handlers = {};
const opened = [];
globalThis.window = { addEventListener: (type, fn) => { (handlers[type] ||= []).push(fn); } };
globalThis.document = { visibilityState: 'visible', addEventListener: (type, fn) => { (handlers[type] ||= []).push(fn); } };
globalThis.EventSource = class {
  constructor(url) { this.url = url; this.closed = false; opened.push(this); }
  close() { this.closed = true; }
};
const fire = (type, event = {}) => (handlers[type] || []).forEach((fn) => fn(event));
const open = () => opened.filter((s) => !s.closed).length;

test('a hidden page gives its stream back after the grace, and a shown page reopens it and resyncs', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const { startLive, onTrialChanges } = await import('../main/web/src/live.js');
  const batches = [];
  onTrialChanges((changes) => batches.push(changes));
  startLive();
  startLive();
  assert.equal(open(), 1, 'one stream per page');

  document.visibilityState = 'hidden';
  fire('visibilitychange');
  mock.timers.tick(29_000);
  assert.equal(open(), 1, 'a tab hidden for a moment keeps its stream');
  mock.timers.tick(2_000);
  assert.equal(open(), 0, 'a tab hidden past the grace closes it');

  document.visibilityState = 'visible';
  fire('visibilitychange');
  assert.equal(open(), 1);
  assert.equal(batches.length, 1);
  assert.equal(batches[0].resync, true, 'views reload what they show: changes may have been missed');

  fire('pagehide');
  assert.equal(open(), 0, 'a page that leaves closes its stream at once');
  fire('pageshow', { persisted: true });
  assert.equal(open(), 1, 'restored from the back-forward cache, it reopens');
  assert.equal(batches.length, 2);
  mock.timers.reset();
});
