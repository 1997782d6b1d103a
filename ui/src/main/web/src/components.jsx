import { useEffect, useRef, useState } from 'preact/hooks';
import { href } from './route.js';
import { fmt, signed, isBetter, groupOf } from './format.js';

export function StatusBadge({ status }) {
  if (!status) return <span class="status unknown">—</span>;
  return <span class={'status ' + groupOf(status)}>{status.replace(/_/g, ' ')}</span>;
}

export function TrialLink({ id, children }) {
  if (!id) return <span class="muted">—</span>;
  return <a href={href('trial', { trial: id })}>{children || id}</a>;
}

export function Delta({ value, direction }) {
  const better = isBetter(value, direction);
  return <span class={better === null ? '' : better ? 'better' : 'worse'}>{signed(value)}</span>;
}

export function Score({ value }) {
  return <span class="num">{fmt(value)}</span>;
}

export function Loading({ what }) {
  return <p class="loading" role="status">Loading {what}…</p>;
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return <p class="error" role="alert">{String(error.message || error)}</p>;
}

export function Section({ title, id, children, actions }) {
  return (
    <section class="card" id={id} aria-labelledby={id ? id + '-title' : undefined}>
      <div class="card-head">
        <h2 id={id ? id + '-title' : undefined}>{title}</h2>
        {actions && <div class="actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** Markdown (the knowledge summary) rendered and sanitized; both libraries load only when one is shown. */
export function Markdown({ text }) {
  const ref = useRef();
  useEffect(() => {
    let live = true;
    Promise.all([import('marked'), import('dompurify')]).then(([{ marked }, { default: DOMPurify }]) => {
      if (live && ref.current) ref.current.innerHTML = DOMPurify.sanitize(marked.parse(text || ''));
    });
    return () => { live = false; };
  }, [text]);
  return <div class="markdown" ref={ref}><pre>{text}</pre></div>;
}

/** A unified diff drawn by diff2html, unified or side by side, highlighted by highlight.js (loaded on first use). */
export function DiffView({ diff, layout }) {
  const ref = useRef();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    if (!diff) return undefined;
    import('./diff.js').then(({ drawDiff }) => {
      if (live && ref.current) {
        drawDiff(ref.current, diff, layout);
        setReady(true);
      }
    });
    return () => { live = false; };
  }, [diff, layout]);
  if (diff === '') return <p class="muted">No difference: the recipes are identical.</p>;
  return <div class={'diff' + (ready ? ' ready' : '')} data-layout={layout} ref={ref} />;
}

/** One file's text, highlighted by language. */
export function CodeView({ path, text }) {
  const ref = useRef();
  useEffect(() => {
    let live = true;
    import('./diff.js').then(({ highlightInto }) => { if (live && ref.current) highlightInto(ref.current, path, text); });
    return () => { live = false; };
  }, [path, text]);
  return <pre class="code"><code ref={ref}>{text}</code></pre>;
}

export function CopyButton({ text, label = 'Copy' }) {
  const [done, setDone] = useState(false);
  return (
    <button class="small" onClick={() => navigator.clipboard?.writeText(text).then(() => { setDone(true); setTimeout(() => setDone(false), 1500); })}>
      {done ? 'Copied' : label}
    </button>
  );
}

/** A width that follows its container, for canvas charts. */
export function useWidth(ref, fallback = 900) {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    if (!ref.current) return undefined;
    const observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      if (w > 0) setWidth(w);
    });
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [ref.current]);
  return width;
}
