// The trials picked for comparison (2 to 4), kept for the browser tab so picks survive moving between views.
const KEY = 'looplab.compare';
export const MAX_COMPARE = 4;
const listeners = new Set();

export function compareIds() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || '[]'); } catch (e) { return []; }
}

function save(ids) {
  sessionStorage.setItem(KEY, JSON.stringify(ids));
  for (const fn of listeners) fn(ids);
}

/** Adds or removes a trial; the oldest pick leaves when a fifth is added. */
export function toggleCompare(id) {
  const ids = compareIds();
  const next = ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-MAX_COMPARE);
  save(next);
  return next;
}

export function onCompareChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
