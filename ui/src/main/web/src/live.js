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

export function startLive() {
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

/** Calls fn(changes) with each batch of [{trialId, status, atMs}]; returns the unsubscribe function. */
export function onTrialChanges(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function onConnection(fn) {
  stateListeners.add(fn);
  fn(connected);
  return () => stateListeners.delete(fn);
}
