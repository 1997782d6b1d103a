// One EventSource for the whole page: trial changes are batched (at most one delivery per 300 ms, one entry per
// trial) so a view fetches only the trials that changed, once, however fast they change.
const listeners = new Set();
const stateListeners = new Set();
let source = null;
let pending = new Map();
let timer = null;
export let connected = false;

function deliver() {
  timer = null;
  const changes = [...pending.values()];
  pending = new Map();
  for (const fn of listeners) {
    try { fn(changes); } catch (e) { console.error(e); }
  }
}

function setConnected(on) {
  connected = on;
  for (const fn of stateListeners) fn(on);
}

/** How long a hidden tab keeps its stream: browsers allow six connections per host over HTTP/1.1, so a few
 * background tabs (or pages kept in the back-forward cache) holding streams would stall every new page's requests. */
const HIDDEN_GRACE_MS = 30_000;
let hiddenTimer = null;
let wanted = false;

/** Every view reloads what it shows: the stream was closed a while, so changes may have been missed. */
function resync() {
  const changes = [];
  changes.resync = true;
  for (const fn of listeners) {
    try { fn(changes); } catch (e) { console.error(e); }
  }
}

function close() {
  if (!source) return;
  source.close();
  source = null;
  setConnected(false);
}

export function startLive() {
  if (wanted) return;
  wanted = true;
  open();
  // the page leaves (or enters the back-forward cache): give its connection back at once
  window.addEventListener('pagehide', close);
  window.addEventListener('pageshow', (e) => { if (e.persisted && !source) { open(); resync(); } });
  document.addEventListener('visibilitychange', () => {
    clearTimeout(hiddenTimer);
    if (document.visibilityState === 'hidden') {
      hiddenTimer = setTimeout(close, HIDDEN_GRACE_MS);
    } else if (!source) {
      open();
      resync();
    }
  });
}

function open() {
  if (source) return;
  source = new EventSource('/api/trials/stream');
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
  source.onmessage = (event) => {
    let change;
    try { change = JSON.parse(event.data); } catch (e) { return; }
    if (!change || !change.trialId) return;
    pending.set(change.trialId, change);
    if (!timer) timer = setTimeout(deliver, 300);
  };
}

/**
 * Calls fn(changes) with each batch of [{trialId, status, atMs}]; returns the unsubscribe function. A batch with
 * {@code resync} set (and no entries) means the stream was closed a while: reload everything shown.
 */
export function onTrialChanges(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function onConnection(fn) {
  stateListeners.add(fn);
  fn(connected);
  return () => stateListeners.delete(fn);
}
