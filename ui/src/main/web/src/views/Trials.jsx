import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, enc, query as qs } from '../api.js';
import { useLoad, useLive, useKeys } from '../hooks.js';
import { href, filterQuery } from '../route.js';
import { fmt, firstLine, ago, when, STATUS_ORDER, markOnce } from '../format.js';
import { Loading, ErrorNote, StatusBadge, TrialLink, Delta } from '../components.jsx';
import { compareIds, toggleCompare, onCompareChange } from '../compare.js';

const COLUMNS = [
  { key: 'created', label: 'trial', num: false },
  { key: null, label: 'parent' },
  { key: 'specialist', label: 'specialist' },
  { key: null, label: 'hypothesis' },
  { key: 'status', label: 'status' },
  { key: 'score', label: 'score', num: true },
  { key: 'delta_parent', label: 'Δ parent', num: true },
  { key: 'delta_best', label: 'Δ best', num: true },
  { key: 'recorded', label: 'recorded' },
];

/** The campaign's trials: filtered, sorted and paged by the server; the filter is the URL. */
export function Trials({ campaign, query }) {
  const filter = filterQuery(query);
  const key = JSON.stringify(filter);
  const base = `/api/campaigns/${enc(campaign)}`;
  const page = useLoad(() => getJson(`${base}/trials${qs(filter)}`), [campaign, key]);
  const specialists = useLoad(() => getJson(`${base}/specialists`).catch(() => []), [campaign]);
  const [selected, setSelected] = useState(0);
  const [flash, setFlash] = useState({});
  const [picked, setPicked] = useState(compareIds());
  useEffect(() => onCompareChange(setPicked), []);
  useEffect(() => setSelected(0), [key]);

  const go = (changes) => {
    const next = { ...filter, ...changes };
    if (!('page' in changes)) delete next.page;
    location.hash = href('trials', { campaign }, next);
  };

  // live: fetch only the trials that changed (under this filter), patch their rows, put new ones on top
  useLive(async (changes) => {
    const data = page.data;
    if (!data) return;
    if (changes.resync) { page.reload(); return; }
    const ids = changes.map((c) => c.trialId);
    const { page: _p, size: _s, sort: _o, ...only } = filter;
    const fresh = await getJson(`${base}/trials${qs({ ...only, ids: ids.join(','), size: 500 })}`);
    if (fresh.rows.length === 0) return;
    const byId = Object.fromEntries(fresh.rows.map((r) => [r.id, r]));
    const newestFirst = !filter.sort || filter.sort === '-created';
    page.setData((d) => {
      if (!d) return d;
      const known = new Set(d.rows.map((r) => r.id));
      let rows = d.rows.map((r) => byId[r.id] || r);
      let total = d.total;
      const added = fresh.rows.filter((r) => !known.has(r.id));
      if (added.length && newestFirst && d.page === 0) {
        rows = [...added.sort((a, b) => b.createdAt.localeCompare(a.createdAt)), ...rows].slice(0, d.size);
      }
      total += added.length;
      return { ...d, rows, total };
    });
    setFlash(Object.fromEntries(fresh.rows.map((r) => [r.id, Date.now()])));
  }, [campaign, key]);

  const data = page.data;
  const rows = data?.rows || [];
  useEffect(() => { if (data) requestAnimationFrame(() => markOnce('trials')); }, [data]);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.size)) : 1;
  const open = (id) => { location.hash = href('trial', { trial: id }); };
  useKeys({
    j: () => setSelected((i) => Math.min(rows.length - 1, i + 1)),
    ArrowDown: () => setSelected((i) => Math.min(rows.length - 1, i + 1)),
    k: () => setSelected((i) => Math.max(0, i - 1)),
    ArrowUp: () => setSelected((i) => Math.max(0, i - 1)),
    Enter: () => rows[selected] && open(rows[selected].id),
    x: () => rows[selected] && toggleCompare(rows[selected].id),
    '/': () => document.getElementById('filter-q')?.focus(),
    ']': () => data && data.page + 1 < pages && go({ page: data.page + 1 }),
    '[': () => data && data.page > 0 && go({ page: data.page - 1 }),
  }, [rows, selected, key]);
  useEffect(() => {
    document.querySelector(`#trials tbody tr:nth-child(${selected + 1})`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const sort = filter.sort || '-created';
  const sortKey = sort.replace(/^[-+]/, '');
  const descending = sort.startsWith('-');
  const sortBy = (k) => go({ sort: sortKey === k ? (descending ? k : '-' + k) : (k === 'created' || k === 'recorded' ? '-' + k : k) });
  const exportHref = `${base}/trials.csv${qs((({ page: _p, size: _s, ...f }) => f)(filter))}`;

  return (
    <div class="view" id="view-trials">
      <div class="title-row">
        <h1>Trials of {campaign}</h1>
        <div class="actions">
          <a class="button small" id="export-csv" href={exportHref} download>CSV</a>
          {picked.length >= 2 && <a class="button small" href={href('compare', {}, { ids: picked.join(',') })}>Compare {picked.length}</a>}
        </div>
      </div>
      <Filters campaign={campaign} filter={filter} go={go} specialists={(specialists.data || []).map((s) => s.specialist)} />
      <ErrorNote error={page.error} />
      {!data ? <Loading what="trials" /> : (
        <>
          <p class="count" id="trial-count" role="status">
            {data.total.toLocaleString()} trial{data.total === 1 ? '' : 's'}{Object.keys(filter).some((k) => !['page', 'size', 'sort'].includes(k)) ? ' match' : ''}
            {page.loading ? ' · loading…' : ''}
          </p>
          <table class="grid" id="trials" aria-rowcount={data.total}>
            <thead>
              <tr>
                <th scope="col"><span class="sr-only">compare</span></th>
                {COLUMNS.map((c) => (
                  <th scope="col" class={c.num ? 'num' : ''} aria-sort={c.key && sortKey === c.key ? (descending ? 'descending' : 'ascending') : undefined}>
                    {c.key ? <button class="sort" data-sort={c.key} onClick={() => sortBy(c.key)}>{c.label}{sortKey === c.key ? (descending ? ' ▼' : ' ▲') : ''}</button> : c.label}
                  </th>))}
              </tr>
            </thead>
            <tbody>
              {rows.map((t, i) => (
                <tr key={t.id} data-trial={t.id} class={(i === selected ? 'selected ' : '') + (flash[t.id] ? 'flash' : '')}
                    onClick={(e) => { if (!e.target.closest('a,button,input')) { setSelected(i); } }}
                    onDblClick={() => open(t.id)}>
                  <td><input type="checkbox" aria-label={`compare trial ${t.id}`} checked={picked.includes(t.id)} onChange={() => toggleCompare(t.id)} /></td>
                  <td><TrialLink id={t.id} /></td>
                  <td>{t.parentTrialId ? <TrialLink id={t.parentTrialId} /> : <span class="muted">—</span>}</td>
                  <td>{t.specialist}<div class="sub">{t.kind !== 'proposal' ? t.kind : t.surface}</div></td>
                  <td class="hypothesis">{firstLine(t.hypothesis)}{t.reason && <div class="reason">{firstLine(t.reason)}</div>}</td>
                  <td><StatusBadge status={t.status} /></td>
                  <td class="num">{fmt(t.score)}{t.testScore !== null && t.testScore !== undefined
                    ? <span class="muted test-score" title="score on the never-searched test slice (new bests only)"> test {fmt(t.testScore)}</span> : ''}</td>
                  <td class="num"><Delta value={t.deltaVsParent} direction={t.direction} /></td>
                  <td class="num"><Delta value={t.deltaVsBest} direction={t.direction} /></td>
                  <td title={when(t.recordedAt)}>{t.recordedAt ? ago(t.recordedAt) : <span class="muted">in flight</span>}</td>
                </tr>))}
            </tbody>
          </table>
          {rows.length === 0 && <p class="muted" id="no-trials">No trial matches this filter.</p>}
          <nav class="pager" aria-label="pages">
            <button disabled={data.page === 0} onClick={() => go({ page: data.page - 1 })}>‹ Previous</button>
            <span>page {data.page + 1} of {pages.toLocaleString()}</span>
            <button disabled={data.page + 1 >= pages} onClick={() => go({ page: data.page + 1 })}>Next ›</button>
            <label>rows <select value={data.size} onChange={(e) => go({ size: e.target.value })}>
              {[25, 50, 100, 200, 500].map((n) => <option value={n}>{n}</option>)}
            </select></label>
          </nav>
        </>)}
    </div>
  );
}

function Filters({ campaign, filter, go, specialists }) {
  const [text, setText] = useState(filter.q || '');
  const timer = useRef();
  useEffect(() => setText(filter.q || ''), [filter.q]);
  const onText = (value) => {
    setText(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go({ q: value }), 350);
  };
  const statuses = STATUS_ORDER.filter((s) => s !== 'scored');
  const any = Object.keys(filter).some((k) => !['page', 'size', 'sort'].includes(k));
  return (
    <form class="filters" id="filters" role="search" onSubmit={(e) => { e.preventDefault(); go({ q: text }); }}>
      <label>search <input id="filter-q" type="search" value={text} placeholder="words of hypothesis or feedback" onInput={(e) => onText(e.target.value)} /></label>
      <label>status <select id="filter-status" value={filter.status || ''} onChange={(e) => go({ status: e.target.value })}>
        <option value="">any</option>
        <option value="in_flight">in flight</option>
        <option value="failure">any failure</option>
        {statuses.map((s) => <option value={s}>{s.replace(/_/g, ' ')}</option>)}
      </select></label>
      <label>specialist <select id="filter-specialist" value={filter.specialist || ''} onChange={(e) => go({ specialist: e.target.value })}>
        <option value="">any</option>
        {specialists.map((s) => <option value={s}>{s}</option>)}
        {filter.specialist && !specialists.includes(filter.specialist) && <option value={filter.specialist}>{filter.specialist}</option>}
      </select></label>
      <label>surface <input id="filter-surface" size="10" value={filter.surface || ''} onChange={(e) => go({ surface: e.target.value.trim() })} /></label>
      <label>kind <select id="filter-kind" value={filter.kind || ''} onChange={(e) => go({ kind: e.target.value })}>
        <option value="">any</option>
        {['root', 'proposal', 'noise', 'replay'].map((k) => <option value={k}>{k}</option>)}
      </select></label>
      <label>score from <input id="filter-min" size="7" inputMode="decimal" value={filter.min_score || ''} onChange={(e) => go({ min_score: e.target.value.trim() })} /></label>
      <label>to <input id="filter-max" size="7" inputMode="decimal" value={filter.max_score || ''} onChange={(e) => go({ max_score: e.target.value.trim() })} /></label>
      {any && <a class="button small" href={href('trials', { campaign })}>Clear</a>}
    </form>
  );
}
