import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, getText, enc } from '../api.js';
import { useLoad, useLive } from '../hooks.js';
import { href } from '../route.js';
import { fmt } from '../format.js';
import { Loading, ErrorNote, Section, StatusBadge, TrialLink, Delta, DiffView, useWidth } from '../components.jsx';
import { curvesChart } from '../charts/bestSoFar.js';
import { knobsOf } from '../knobs.js';
import { toggleCompare } from '../compare.js';

/** Two to four trials side by side: knob values, scores, curves, and what changed between them. */
export function Compare({ ids }) {
  const [add, setAdd] = useState('');
  const go = (next) => { location.hash = href('compare', {}, { ids: next.join(',') }); };
  const load = useLoad(async () => Promise.all(ids.map(async (id) => {
    const [trial, recipe] = await Promise.all([getJson(`/api/trials/${enc(id)}`),
      getJson(`/api/trials/${enc(id)}/recipe`).catch(() => null)]);
    return { trial, knobs: recipe ? knobsOf(recipe.files) : {} };
  })), [ids.join(',')]);
  useLive((changes) => { if (changes.resync || changes.some((c) => ids.includes(c.trialId))) load.reload(); }, [ids.join(',')]);
  const rows = load.data || [];
  const knobNames = [...new Set(rows.flatMap((r) => Object.keys(r.knobs)))].sort();
  const differs = (k) => new Set(rows.map((r) => r.knobs[k] ?? '')).size > 1;
  return (
    <div class="view" id="view-compare">
      <div class="title-row"><h1>Compare trials</h1>
        <form class="actions" onSubmit={(e) => { e.preventDefault(); if (add.trim()) { go([...ids, add.trim()].slice(-4)); setAdd(''); } }}>
          <label>add trial <input id="compare-add" size="8" value={add} onInput={(e) => setAdd(e.target.value)} /></label>
          <button class="small">Add</button>
        </form>
      </div>
      {ids.length < 2 && <p class="muted">Pick two to four trials: tick them in the trials table (or press x on a row), or add their ids here.</p>}
      <ErrorNote error={load.error} />
      {ids.length > 0 && !load.data ? <Loading what="the trials" /> : rows.length > 0 && (
        <>
          <Section title="Scores" id="compare-scores">
            <table class="grid compact" id="compare-table">
              <thead><tr><th scope="col" />{rows.map(({ trial }) => <th scope="col"><TrialLink id={trial.id}>trial {trial.id}</TrialLink>
                {' '}<button class="link small" title="remove from the comparison" onClick={() => { toggleCompare(trial.id); go(ids.filter((x) => x !== trial.id)); }}>✕</button></th>)}</tr></thead>
              <tbody>
                <tr><th scope="row">status</th>{rows.map(({ trial }) => <td><StatusBadge status={trial.status} /></td>)}</tr>
                <tr><th scope="row">score</th>{rows.map(({ trial }) => <td class="num">{fmt(trial.score)}</td>)}</tr>
                <tr><th scope="row">Δ parent</th>{rows.map(({ trial }) => <td class="num"><Delta value={trial.deltaVsParent} direction={trial.direction} /></td>)}</tr>
                <tr><th scope="row">Δ best</th>{rows.map(({ trial }) => <td class="num"><Delta value={trial.deltaVsBest} direction={trial.direction} /></td>)}</tr>
                <tr><th scope="row">specialist</th>{rows.map(({ trial }) => <td>{trial.specialist}</td>)}</tr>
                <tr><th scope="row">parent</th>{rows.map(({ trial }) => <td><TrialLink id={trial.parentTrialId} /></td>)}</tr>
                <tr><th scope="row">hypothesis</th>{rows.map(({ trial }) => <td class="hypothesis">{trial.hypothesis}</td>)}</tr>
              </tbody>
            </table>
          </Section>
          <Section title="Knobs" id="compare-knobs">
            {knobNames.length === 0 ? <p class="muted">No @knob lines in these recipes.</p> : (
              <table class="grid compact" id="knob-table">
                <thead><tr><th scope="col">knob</th>{rows.map(({ trial }) => <th scope="col">trial {trial.id}</th>)}</tr></thead>
                <tbody>{knobNames.map((k) => (
                  <tr class={differs(k) ? 'differs' : ''}><th scope="row">{k}</th>{rows.map((r) => <td><code>{r.knobs[k] ?? '—'}</code></td>)}</tr>))}
                </tbody>
              </table>)}
            <p class="caption">Rows that differ are highlighted.</p>
          </Section>
          <CompareCurves trials={rows.map((r) => r.trial)} />
          {rows.length >= 2 && <CompareDiffs trials={rows.map((r) => r.trial)} />}
        </>)}
    </div>
  );
}

function CompareCurves({ trials }) {
  const box = useRef();
  const width = useWidth(box, 900);
  const curves = useLoad(async () => (await Promise.all(trials.map(async (t) => {
    try {
      const s = await getJson(`/api/trials/${enc(t.id)}/metrics/train_loss?max_points=600`);
      return { label: `trial ${t.id}`, points: s.points };
    } catch (e) { return null; }
  }))).filter(Boolean), [trials.map((t) => t.id).join(',')]);
  useEffect(() => {
    if (!curves.data || curves.data.length === 0 || !box.current) return undefined;
    box.current.replaceChildren();
    const chart = curvesChart(box.current, curves.data, width, 260, 'step', 'train_loss');
    return () => chart.destroy();
  }, [curves.data, width]);
  return (
    <Section title="Training loss" id="compare-curves">
      {curves.data && curves.data.length === 0 ? <p class="muted">None of these trials recorded train_loss.</p> : <div class="chart" ref={box} />}
    </Section>
  );
}

function CompareDiffs({ trials }) {
  const [layout, setLayout] = useState('side');
  const [from, ...rest] = trials;
  return (
    <Section title={`What changed from trial ${from.id}`} id="compare-diffs" actions={
      <div class="segmented" role="group" aria-label="layout">
        <button aria-pressed={layout === 'line'} onClick={() => setLayout('line')}>unified</button>
        <button aria-pressed={layout === 'side'} onClick={() => setLayout('side')}>side by side</button>
      </div>}>
      {rest.map((t) => <PairDiff from={from.id} to={t.id} layout={layout} />)}
    </Section>
  );
}

function PairDiff({ from, to, layout }) {
  const diff = useLoad(() => getText(`/api/trials/${enc(to)}/diff?against=${enc(from)}`), [from, to]);
  return (
    <div class="pair">
      <h3>trial {from} → trial {to}</h3>
      <ErrorNote error={diff.error} />
      {diff.data === null ? <Loading what="the diff" /> : <DiffView diff={diff.data} layout={layout} />}
    </div>
  );
}
