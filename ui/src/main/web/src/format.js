// Numbers, times and statuses as the views show them.
export function fmt(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return '';
  const n = Number(value);
  if (n !== 0 && Math.abs(n) < 1e-3) return n.toExponential(2);
  return n.toFixed(digits);
}

export function signed(value, digits = 4) {
  if (value === null || value === undefined) return '';
  return (value > 0 ? '+' : '') + fmt(value, digits);
}

/** True when the delta is an improvement under the task's direction. */
export function isBetter(delta, direction) {
  if (delta === null || delta === undefined || delta === 0) return null;
  return direction === 'higher' ? delta > 0 : delta < 0;
}

export function ago(iso) {
  if (!iso) return '';
  const ms = Date.now() - new Date(iso).getTime();
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function firstLine(text) {
  return (text || '').split('\n')[0];
}

export function bytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** status -> group (in_flight, keep, discard, failure, scored); filled from /api/statuses at start. */
export const statusGroups = {};
export const STATUS_ORDER = [];

export function groupOf(status) {
  return statusGroups[status] || (status ? 'failure' : 'unknown');
}

/** The colours of the groups: also the tree's and the charts' (readable on white, 4.5:1 or better for text). */
export const GROUP_COLORS = {
  keep: '#137333',
  discard: '#5f6368',
  in_flight: '#1a56c4',
  scored: '#1a56c4',
  failure: '#b3261e',
  unknown: '#80868b',
};

/** A performance mark the first time a view shows its data (the benchmark reads them: first useful paint). */
const marked = new Set();
export function markOnce(name) {
  if (marked.has(name)) return;
  marked.add(name);
  if (typeof performance !== 'undefined' && performance.mark) performance.mark('looplab:' + name);
}
