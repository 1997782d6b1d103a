import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import { onTrialChanges } from './live.js';

/** {data, error, loading, reload} of an async loader, reloaded when deps change. */
export function useLoad(loader, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    return loader().then(
      (data) => { if (mine === generation.current) setState({ data, error: null, loading: false }); },
      (error) => { if (mine === generation.current) setState({ data: null, error, loading: false }); });
  }, deps);
  useEffect(() => { reload(); }, [reload]);
  return { ...state, reload, setData: (fn) => setState((s) => ({ ...s, data: fn(s.data) })) };
}

/** Calls fn(changes) for live trial changes while the component is mounted. */
export function useLive(fn, deps) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => onTrialChanges((changes) => ref.current(changes)), deps || []);
}

/** A function that runs fn at most once per `ms`, the last call winning. */
export function useThrottled(fn, ms) {
  const ref = useRef(fn);
  ref.current = fn;
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => { timer.current = null; ref.current(); }, ms);
  }, [ms]);
}

/** Global keys (ignored while typing in a field). */
export function useKeys(map, deps) {
  useEffect(() => {
    const handler = (e) => {
      const t = e.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) {
        if (e.key === 'Escape') t.blur();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const fn = map[e.key];
      if (fn) {
        e.preventDefault();
        fn(e);
      }
    };
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  }, deps);
}
