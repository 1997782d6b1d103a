import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, getText, getOptional, post, enc, ApiError } from '../api.js';
import { useLoad, useLive, useKeys } from '../hooks.js';
import { href } from '../route.js';
import { fmt, when, bytes } from '../format.js';
import { Loading, ErrorNote, Section, StatusBadge, TrialLink, Delta, DiffView, CodeView, CopyButton, useWidth } from '../components.jsx';
import { curvesChart } from '../charts/bestSoFar.js';
import { toggleCompare, compareIds, onCompareChange } from '../compare.js';

/** Everything about one trial: why it was tried, how it came out, what it changed, how it trained, how to get it. */
export function TrialPage({ trialId, query }) {
  const t = `/api/trials/${enc(trialId)}`;
  const trial = useLoad(() => getJson(t), [trialId]);
  const replays = useLoad(() => getJson(`${t}/replays`), [trialId]);
  const chain = useLoad(() => getOptional(`${t}/chain`), [trialId]);
  const campaign = useLoad(async () => (trial.data ? getJson(`/api/campaigns/${enc(trial.data.campaign)}`) : null), [trial.data?.campaign]);
  useLive((changes) => {
    const ids = new Set(changes.map((c) => c.trialId));
    if (changes.resync || ids.has(trialId)) trial.reload();
    if (replays.data && (changes.resync || replays.data.some((r) => ids.has(r.replayTrialId)))) replays.reload();
  }, [trialId, replays.data]);
  const [picked, setPicked] = useState(compareIds());
  useEffect(() => onCompareChange(setPicked), []);

  const d = trial.data;
  if (trial.error) return <div class="view"><ErrorNote error={trial.error} /></div>;
  if (!d) return <div class="view"><Loading what={`trial ${trialId}`} /></div>;
  const c = campaign.data;
  const env = parseJson(d.environmentJson);
  const metrics = parseJson(d.metricsJson);
  const measured = d.replayOf || (d.kind === 'noise' ? d.parentTrialId : d.id);
  return (
    <div class="view" id="view-trial" data-trial={d.id}>
      <div class="title-row">
        <h1>Trial {d.id} <StatusBadge status={d.status} /></h1>
        <div class="actions">
          <ReplayButton trial={d} onDone={() => replays.reload()} />
          <button class="small" id="compare-toggle" aria-pressed={picked.includes(d.id)} onClick={() => toggleCompare(d.id)}>
            {picked.includes(d.id) ? 'In comparison' : 'Add to comparison'}</button>
          <CopyButton text={location.href} label="Copy link" />
        </div>
      </div>
      <nav class="chain" aria-label="chain from the root">
        {(chain.data || []).slice(-8).map((n, i, all) => (
          <span key={n.id}>{i === 0 && all.length === 8 ? '… ' : ''}<TrialLink id={n.id}>{n.id === d.id ? <strong>{n.id}</strong> : n.id}</TrialLink>{i < all.length - 1 ? ' → ' : ''}</span>))}
        {' '}· <a href={href('tree', { campaign: d.campaign }, { focus: measured })}>in the lineage tree</a>
        {' '}· <a href={href('trials', { campaign: d.campaign })}>campaign {d.campaign}</a>
      </nav>
      <dl class="facts" id="trial-facts">
        <div><dt>score</dt><dd class="num">{fmt(d.score)} {d.direction ? <span class="muted">({d.direction} is better)</span> : ''}</dd></div>
        {d.testScore !== null && d.testScore !== undefined && (
          <div id="test-score" title="the test slice: held out like the validation slice, never searched, scored when this trial became the best">
            <dt>test</dt><dd class="num">{fmt(d.testScore)} <span class="muted">(never-searched test slice)</span></dd></div>)}
        <div><dt>vs parent</dt><dd><Delta value={d.deltaVsParent} direction={d.direction} /></dd></div>
        <div><dt>vs best</dt><dd><Delta value={d.deltaVsBest} direction={d.direction} /></dd></div>
        <div><dt>specialist</dt><dd>{d.specialist} <span class="muted">on {d.surface}</span></dd></div>
        <div><dt>kind</dt><dd>{d.kind}{d.replayOf ? <> of <TrialLink id={d.replayOf} /></> : ''}</dd></div>
        <div><dt>parent</dt><dd><TrialLink id={d.parentTrialId} /></dd></div>
        <div><dt>expected Δ</dt><dd>{fmt(d.expectedDelta)}</dd></div>
        <div><dt>train / eval</dt><dd>{fmt(d.trainSeconds, 1)} s / {fmt(d.evalSeconds, 1)} s</dd></div>
        <div><dt>artifact</dt><dd>{bytes(d.artifactBytes)}</dd></div>
        <div><dt>recorded</dt><dd>{d.recordedAt ? when(d.recordedAt) : 'in flight'}</dd></div>
      </dl>
      <Section title="Hypothesis" id="hypothesis"><p class="prose">{d.hypothesis}</p></Section>
      <Section title="Outcome" id="outcome">
        {d.keepRule && <p id="keep-rule"><strong>Decided by the {d.keepRule === '2sigma' ? '2σ noise rule' : d.keepRule === 'threshold' ? "task's keep threshold" : 'first-scored rule'}</strong>
          {c?.noiseFloor ? ` (noise floor σ = ${c.noiseFloor.sigma.toPrecision(3)})` : ''}.</p>}
        {d.reason && <p class="reason">{d.reason}</p>}
        {d.feedback ? <p class="prose" id="feedback">{d.feedback}</p> : <p class="muted">No feedback yet: the trial is {d.status}.</p>}
        {metrics && Object.keys(metrics).length > 0 && (
          <table class="grid compact kv"><tbody>{Object.entries(metrics).map(([k, v]) => <tr><th scope="row">{k}</th><td class="num">{typeof v === 'number' && !Number.isInteger(v) ? fmt(v) : String(v)}</td></tr>)}</tbody></table>)}
      </Section>
      {d.commitId
        ? <DiffSection trial={d} query={query} best={c?.bestTrialId} />
        : <Section title="Diff" id="diff"><p class="muted">No commit: the proposal was refused before it reached the lineage.</p></Section>}
      <CurvesSection trial={d} best={c?.bestTrialId} />
      {d.commitId && <FilesSection trialId={d.id} />}
      <Section title="Replays" id="replays">
        <ErrorNote error={replays.error} />
        {!replays.data ? <Loading what="replays" /> : replays.data.length === 0 ? <p class="muted">Not replayed yet.</p> : (
          <table class="grid compact" id="replay-table">
            <thead><tr><th scope="col">replay</th><th scope="col">status</th><th scope="col">verdict</th><th scope="col" class="num">score</th><th scope="col">detail</th></tr></thead>
            <tbody>{replays.data.map((r) => (
              <tr data-replay={r.replayTrialId}><td><TrialLink id={r.replayTrialId} /></td><td><StatusBadge status={r.status} /></td>
                <td>{r.verdict ? <span class={'verdict ' + r.verdict}>{r.verdict.replace('_', ' ')}</span> : <span class="muted">pending</span>}</td>
                <td class="num">{fmt(r.replayScore)}</td><td class="detail">{r.detail}</td></tr>))}
            </tbody>
          </table>)}
      </Section>
      <Section title="Artifacts" id="artifacts"><Artifacts trialId={d.id} listed={d.artifacts} /></Section>
      <Section title="Environment fingerprint" id="fingerprint">
        {env ? <table class="grid compact kv"><tbody>{Object.entries(env).map(([k, v]) => <tr><th scope="row">{k}</th><td><code>{v}</code></td></tr>)}</tbody></table>
          : <p class="muted">Recorded when the trial finishes.</p>}
        {d.seed !== null && d.seed !== undefined && <p>seed <code>{d.seed}</code>{d.trainBudgetSeconds ? `, training budget ${d.trainBudgetSeconds} s` : ''}, evaluator {d.evaluator} {d.evaluatorVersion}</p>}
      </Section>
      <GitSection trial={d} measured={measured} />
    </div>
  );
}

function parseJson(text) {
  if (!text) return null;
  try { return JSON.parse(text); } catch (e) { return null; }
}

function ReplayButton({ trial, onDone }) {
  const [state, setState] = useState(null);
  const can = trial.commitId && trial.recordedAt && trial.kind !== 'noise';
  if (!can) return null;
  const replay = async () => {
    setState('sending');
    try {
      const r = await post(`/api/trials/${enc(trial.id)}/replays`);
      setState(`queued as trial ${r.replayTrialId}`);
      onDone();
    } catch (e) { setState(e.message); }
  };
  return (
    <span class="replay">
      <button id="replay-button" onClick={replay} disabled={state === 'sending'} title="run the trial's commit again with its recorded seed and steps">Replay</button>
      {state && state !== 'sending' && <span class="note" role="status"> {state}</span>}
    </span>
  );
}

function DiffSection({ trial, query, best }) {
  const [against, setAgainst] = useState(query.diff || 'parent');
  const [layout, setLayout] = useState(query.layout || 'line');
  useKeys({ u: () => setLayout('line'), s: () => setLayout('side') }, []);
  const diff = useLoad(async () => {
    try { return await getText(`/api/trials/${enc(trial.id)}/diff?against=${enc(against)}`); } catch (e) {
      if (e instanceof ApiError && e.status === 409) return { note: e.message };
      throw e;
    }
  }, [trial.id, against]);
  useEffect(() => { // keep the choice in the link
    const url = new URL(location.href);
    const [path, search = ''] = url.hash.slice(1).split('?');
    const q = new URLSearchParams(search);
    q.set('diff', against); q.set('layout', layout);
    history.replaceState(null, '', '#' + path + '?' + q.toString());
  }, [against, layout]);
  return (
    <Section title="Diff" id="diff" actions={<>
      <div class="segmented" role="group" aria-label="diff against">
        <button id="diff-parent" aria-pressed={against === 'parent'} onClick={() => setAgainst('parent')}>vs parent</button>
        <button id="diff-best" aria-pressed={against === 'best'} onClick={() => setAgainst('best')} disabled={!best}>vs best{best ? ` (${best})` : ''}</button>
      </div>
      <div class="segmented" role="group" aria-label="layout">
        <button id="layout-line" aria-pressed={layout === 'line'} onClick={() => setLayout('line')}>unified</button>
        <button id="layout-side" aria-pressed={layout === 'side'} onClick={() => setLayout('side')}>side by side</button>
      </div>
    </>}>
      <ErrorNote error={diff.error} />
      {diff.data === null ? <Loading what="the diff" /> : typeof diff.data === 'object' ? <p class="muted">{diff.data.note}</p>
        : <DiffView diff={diff.data} layout={layout} />}
    </Section>
  );
}

function CurvesSection({ trial, best }) {
  const box = useRef();
  const width = useWidth(box, 900);
  const list = useLoad(() => getJson(`/api/trials/${enc(trial.id)}/metrics`), [trial.id, trial.status]);
  const names = (list.data?.series || []).map((s) => s.name);
  const [name, setName] = useState(null);
  const chosen = name || (names.includes('train_loss') ? 'train_loss' : names[0]);
  const others = [['parent', trial.parentTrialId], ['best', best]].filter(([, id]) => id && id !== trial.id);
  const curves = useLoad(async () => {
    if (!chosen) return [];
    const one = async (label, id, dash) => {
      try {
        const s = await getJson(`/api/trials/${enc(id)}/metrics/${enc(chosen)}?max_points=600`);
        return { label: `${label} (trial ${id})`, points: s.points, dash };
      } catch (e) { return null; }
    };
    const all = await Promise.all([one('this', trial.id), ...others.map(([l, id]) => one(l, id, l === 'parent' ? [6, 4] : [2, 3]))]);
    return all.filter(Boolean);
  }, [trial.id, chosen, best, trial.status]);
  useEffect(() => {
    if (!curves.data || curves.data.length === 0 || !box.current) return undefined;
    box.current.replaceChildren();
    const chart = curvesChart(box.current, curves.data, width, 280, 'step', chosen);
    return () => chart.destroy();
  }, [curves.data, width]);
  return (
    <Section title="Training curves" id="curves" actions={names.length > 1 && (
      <label>series <select value={chosen} onChange={(e) => setName(e.target.value)}>{names.map((n) => <option value={n}>{n}</option>)}</select></label>)}>
      <ErrorNote error={list.error} />
      {list.data && names.length === 0 ? <p class="muted">No metric points recorded for this trial.</p> : (
        <>
          <div class="chart" ref={box} role="img" aria-label={`${chosen} over steps, with the parent's and the best's`} />
          <p class="caption">This trial solid; the parent dashed; the best dotted (where they recorded {chosen}).</p>
        </>)}
    </Section>
  );
}

function FilesSection({ trialId }) {
  const recipe = useLoad(() => getJson(`/api/trials/${enc(trialId)}/recipe`), [trialId]);
  const [open, setOpen] = useState(null);
  const files = recipe.data?.files || [];
  const shown = files.find((f) => f.path === open) || files[0];
  return (
    <Section title="Files at its commit" id="files">
      <ErrorNote error={recipe.error} />
      {!recipe.data ? <Loading what="the recipe" /> : (
        <div class="files">
          <ul class="file-list" aria-label="files">
            {files.map((f) => <li><button class={'link' + (shown?.path === f.path ? ' current' : '')} onClick={() => setOpen(f.path)}>{f.path}</button> <span class="muted">{bytes(f.bytes)}</span></li>)}
          </ul>
          <div class="file-view">
            {shown && (shown.text === null ? <p class="muted">{shown.path} is {bytes(shown.bytes)}: too large to show; <a href={`/api/trials/${enc(trialId)}/files/${shown.path.split('/').map(enc).join('/')}`}>download it</a>.</p>
              : <CodeView path={shown.path} text={shown.text} />)}
          </div>
        </div>)}
    </Section>
  );
}

function Artifacts({ trialId, listed }) {
  const links = useLoad(() => (listed && listed.length ? getJson(`/api/trials/${enc(trialId)}/artifacts`) : Promise.resolve([])), [trialId, listed?.length]);
  if (links.error) return <ErrorNote error={links.error} />;
  const rows = links.data || [];
  if (rows.length === 0) return <p class="muted">No artifacts stored.</p>;
  return (
    <table class="grid compact" id="artifact-table">
      <thead><tr><th scope="col">file</th><th scope="col" class="num">size</th><th scope="col">sha256</th></tr></thead>
      <tbody>{rows.map((a) => <tr><td><a href={`/api/trials/${enc(trialId)}/artifacts/${a.name.split('/').map(enc).join('/')}`}>{a.name}</a></td>
        <td class="num">{bytes(a.sizeBytes)}</td><td><code title={a.sha256}>{a.sha256.slice(0, 16)}…</code></td></tr>)}</tbody>
    </table>
  );
}

function GitSection({ trial, measured }) {
  const origin = `${location.origin}/git/${trial.task}.git`;
  const text = [
    `git clone ${origin} ${trial.task}`,
    `cd ${trial.task}`,
    `git fetch origin refs/notes/outcomes:refs/notes/outcomes refs/notes/replays:refs/notes/replays`,
    `git checkout trial/${measured}`,
    `git log --notes=outcomes -1 trial/${measured}`,
    trial.parentTrialId && trial.kind === 'proposal' ? `git diff trial/${trial.parentTrialId} trial/${measured}` : null,
    `./looplab replay ${trial.id}`,
  ].filter(Boolean).join('\n');
  return (
    <Section title="Get it with git" id="git" actions={<CopyButton text={text} />}>
      <pre class="commands" id="git-commands">{text}</pre>
    </Section>
  );
}
