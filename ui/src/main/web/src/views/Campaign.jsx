import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson, getOptional, getText, post, enc, ApiError } from '../api.js';
import { useLoad, useLive, useThrottled } from '../hooks.js';
import { href } from '../route.js';
import { fmt, GROUP_COLORS, groupOf, markOnce } from '../format.js';
import { Loading, ErrorNote, Section, TrialLink, StatusBadge, Markdown, useWidth } from '../components.jsx';
import { bestSoFarChart } from '../charts/bestSoFar.js';

/** A campaign: its progress chart, what each specialist brought, where its trials ended, what it learned. */
export function CampaignOverview({ campaign }) {
  const base = `/api/campaigns/${enc(campaign)}`;
  const summary = useLoad(async () => {
    const [one, view] = await Promise.all([getJson(`/api/campaign-summaries?campaign=${enc(campaign)}`), getJson(base)]);
    return { summary: one[0], view };
  }, [campaign]);
  // the chart is what the page is for: its query runs first, and the tables below ask once it has come back, so
  // on a busy server they do not share the CPU with it (later reloads need not wait)
  const chart = useMemo(() => gate(), [campaign]);
  const series = useLoad(() => getJson(`${base}/best-so-far`).finally(chart.open), [campaign]);
  const specialists = useLoad(() => chart.then(() => getJson(`${base}/specialists`)), [campaign]);
  const statuses = useLoad(() => chart.then(() => getJson(`${base}/statuses`)), [campaign]);
  const knowledge = useLoad(() => chart.then(async () => {
    try { return await getText(`${base}/knowledge`); } catch (e) { if (e instanceof ApiError && e.status === 404) return null; throw e; }
  }), [campaign]);

  // a recorded trial moves the numbers: refetch the aggregates, at most every 2 s however fast trials finish
  const refresh = useThrottled(() => { summary.reload(); series.reload(); specialists.reload(); statuses.reload(); }, 2000);
  useLive(refresh, [campaign]);

  const view = summary.data?.view;
  const s = summary.data?.summary;
  return (
    <div class="view" id="view-campaign">
      <div class="title-row">
        <h1>Campaign {campaign}</h1>
        {view && <Controls campaign={campaign} view={view} onDone={() => summary.reload()} />}
      </div>
      <ErrorNote error={summary.error} />
      {view && (
        <dl class="facts" id="campaign-facts">
          <div><dt>task</dt><dd>{view.task}</dd></div>
          {view.state && <div><dt>state</dt><dd><span class={'state ' + view.state}>{view.state}</span>{view.stopReason ? ` (${view.stopReason})` : ''}</dd></div>}
          {view.team && <div><dt>team</dt><dd>{view.team}</dd></div>}
          <div><dt>best</dt><dd>{view.bestTrialId ? <TrialLink id={view.bestTrialId}>trial {view.bestTrialId}: {fmt(view.bestScore)}</TrialLink> : 'none yet'}</dd></div>
          <div><dt>baseline</dt><dd><TrialLink id={view.rootTrialId}>trial {view.rootTrialId}</TrialLink>{series.data?.baselineScore != null ? `: ${fmt(series.data.baselineScore)}` : ''}</dd></div>
          <div><dt>recorded</dt><dd>{view.recorded}</dd></div>
          <div><dt>in flight</dt><dd>{view.inFlight}</dd></div>
          {s && <div><dt>workers</dt><dd>{view.liveWorkers ?? s.workers}</dd></div>}
          {s && <div><dt>last hour</dt><dd>{s.trialsLastHour} trials</dd></div>}
          {series.data?.noiseFloor && <div><dt>noise floor</dt><dd>σ = {series.data.noiseFloor.sigma.toPrecision(3)} over {series.data.noiseFloor.runs} runs</dd></div>}
        </dl>
      )}
      <BestSoFarSection campaign={campaign} load={series} />
      <div class="two-col">
        <SpecialistTable load={specialists} direction={series.data?.direction} campaign={campaign} />
        <StatusBreakdown load={statuses} campaign={campaign} />
      </div>
      <Section title="Knowledge" id="knowledge">
        <ErrorNote error={knowledge.error} />
        {knowledge.loading && !knowledge.data ? <Loading what="the knowledge summary" />
          : knowledge.data ? <Markdown text={knowledge.data} />
            : <p class="muted">No knowledge summary yet: the campaign's meta agent writes one as outcomes arrive.</p>}
      </Section>
    </div>
  );
}

/** A promise-like gate: then(fn) runs fn once open() has been called (at once after that). */
function gate() {
  let open;
  const opened = new Promise((resolve) => { open = resolve; });
  return { open: () => open(), then: (fn) => opened.then(fn) };
}

/** Pause, resume and stop, shown only where the campaign API has a state (and so takes them). */
function Controls({ campaign, view, onDone }) {
  const [error, setError] = useState(null);
  if (!view.state) return null;
  const act = async (what) => {
    if (what === 'stop' && !confirm(`Stop campaign ${campaign} for good? Trials in flight finish.`)) return;
    setError(null);
    try { await post(`/api/campaigns/${enc(campaign)}/${what}`); onDone(); } catch (e) { setError(e); }
  };
  return (
    <div class="controls" id="campaign-controls">
      {view.state === 'running' && <button onClick={() => act('pause')}>Pause</button>}
      {view.state === 'paused' && <button onClick={() => act('resume')}>Resume</button>}
      {view.state !== 'stopped' && <button class="danger" onClick={() => act('stop')}>Stop</button>}
      <ErrorNote error={error} />
    </div>
  );
}

function BestSoFarSection({ campaign, load }) {
  const [axis, setAxis] = useState('index');
  const box = useRef();
  const width = useWidth(box);
  const data = load.data;
  useEffect(() => {
    if (!data || !box.current || data.points.length === 0) return undefined;
    box.current.replaceChildren();
    const chart = bestSoFarChart(box.current, data, axis, width,
      (trial) => { location.hash = href('trial', { trial }); });
    requestAnimationFrame(() => markOnce('best-so-far'));
    return () => chart.destroy();
  }, [data, axis, width]);
  const title = `Best so far: campaign ${campaign}`;
  // the export (d3-scale, d3-shape) loads on the first click only
  const exportSvg = async () => {
    const { bestSoFarSvg, download } = await import('../charts/exportChart.js');
    download(`${campaign}-best-so-far.svg`, new Blob([bestSoFarSvg(data, axis, title)], { type: 'image/svg+xml' }));
  };
  const exportPng = async () => {
    const { bestSoFarSvg, svgToPng, download } = await import('../charts/exportChart.js');
    download(`${campaign}-best-so-far.png`, await svgToPng(bestSoFarSvg(data, axis, title)));
  };
  return (
    <Section title="Best so far" id="best-so-far" actions={data && data.points.length > 0 && <>
      <div class="segmented" role="group" aria-label="x axis">
        <button aria-pressed={axis === 'index'} onClick={() => setAxis('index')}>by trial</button>
        <button aria-pressed={axis === 'time'} onClick={() => setAxis('time')}>by time</button>
      </div>
      <button class="small" id="export-svg" onClick={exportSvg}>SVG</button>
      <button class="small" id="export-png" onClick={exportPng}>PNG</button>
    </>}>
      <ErrorNote error={load.error} />
      {!data ? <Loading what="the best-so-far series" /> : data.points.length === 0
        ? <p class="muted">No scored trial yet: the baseline is being measured.</p> : (
          <>
            <div class="chart" ref={box} aria-label="best score after each trial, with keeps and the noise band" role="img" />
            <p class="caption">
              {data.scored} scored of {data.recorded} recorded trials{data.thinned ? ` (${data.points.length} drawn: each stretch's lowest and highest, every keep)` : ''};
              {' '}{data.keepCount ?? data.keeps.length} keeps (green{data.keepsThinned ? `; ${data.keeps.length} drawn, each stretch's first and last` : ''});{' '}
              {data.noiseFloor ? `band: best ± 2σ = ± ${data.noiseFloor.band.toPrecision(3)}` : 'noise band once the baseline ran with two seeds'}.
              Click a dot to open its trial.
            </p>
          </>)}
    </Section>
  );
}

function SpecialistTable({ load, direction, campaign }) {
  const rows = load.data;
  return (
    <Section title="Specialists" id="specialists">
      <ErrorNote error={load.error} />
      {!rows ? <Loading what="specialists" /> : rows.length === 0 ? <p class="muted">No proposals yet.</p> : (
        <table class="grid compact" id="specialist-table">
          <thead><tr><th scope="col">specialist</th><th scope="col" class="num">trials</th><th scope="col" class="num">keeps</th>
            <th scope="col" class="num">keep rate</th><th scope="col" class="num" title="sum of each keep's improvement of the best">total gain</th>
            <th scope="col" class="num" title="total gain per scored trial">mean gain</th><th scope="col" class="num">crashes</th>
            <th scope="col" class="num" title="crashes, budget overruns, rejects, ...">failures</th><th scope="col" class="num">best</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.specialist}>
                <th scope="row"><a href={href('trials', { campaign }, { specialist: r.specialist })}>{r.specialist}</a></th>
                <td class="num">{r.trials}</td><td class="num">{r.keeps}</td>
                <td class="num">{r.keepRate === null ? '—' : (100 * r.keepRate).toFixed(1) + '%'}</td>
                <td class="num">{fmt(r.totalGain)}</td><td class="num">{r.meanGain === null ? '—' : fmt(r.meanGain)}</td>
                <td class="num">{r.crashes}</td><td class="num">{r.failures}</td><td class="num">{fmt(r.bestScore)}</td>
              </tr>))}
          </tbody>
        </table>)}
      {direction && <p class="caption">Gains are improvements of the best ({direction} is better).</p>}
    </Section>
  );
}

function StatusBreakdown({ load, campaign }) {
  const rows = load.data;
  const total = rows ? rows.reduce((n, r) => n + r.count, 0) : 0;
  return (
    <Section title="Statuses" id="statuses">
      <ErrorNote error={load.error} />
      {!rows ? <Loading what="statuses" /> : (
        <>
          <div class="stack-bar" role="img" aria-label="trials by status">
            {rows.map((r) => <span key={r.status} style={{ flexGrow: r.count, background: GROUP_COLORS[groupOf(r.status)] }} title={`${r.status}: ${r.count}`} />)}
          </div>
          <table class="grid compact" id="status-table">
            <tbody>
              {rows.map((r) => (
                <tr key={r.status}>
                  <th scope="row"><a href={href('trials', { campaign }, { status: r.status })}><StatusBadge status={r.status} /></a></th>
                  <td class="num">{r.count}</td><td class="num">{total ? (100 * r.count / total).toFixed(1) + '%' : ''}</td>
                </tr>))}
            </tbody>
          </table>
        </>)}
    </Section>
  );
}
