// The best-so-far chart: every scored trial as a dot, the best score after each trial as a step line, the noise
// band (best +- 2 sigma) around it, and keeps as larger marks. Drawn with uPlot (canvas: fast at 100,000 trials).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const COLORS = { trial: 'rgba(95, 99, 104, 0.55)', best: '#1a56c4', band: 'rgba(26, 86, 196, 0.12)', keep: '#137333' };

/** Columns for uPlot and the SVG export: x (trial index or seconds), score, best, band top, band bottom, keep. */
export function columns(series, axis) {
  const points = series.points;
  const band = series.noiseFloor ? series.noiseFloor.band : null;
  const x = points.map((p) => (axis === 'time' ? p.atMs / 1000 : p.index));
  const score = points.map((p) => p.score);
  const best = points.map((p) => p.best);
  const upper = points.map((p) => (band === null || p.best === null ? null : p.best + band));
  const lower = points.map((p) => (band === null || p.best === null ? null : p.best - band));
  const keep = points.map((p) => (p.keep ? p.score : null));
  return [x, score, best, upper, lower, keep];
}

/** Tick steps of an axis that counts things (trials, steps): whole numbers only, never 0.2 of a trial. */
const WHOLE_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

export function bestSoFarChart(target, series, axis, width, onPick) {
  const data = columns(series, axis);
  const label = series.direction === 'higher' ? 'score (higher is better)' : 'score (lower is better)';
  const opts = {
    width, height: 320,
    title: undefined,
    scales: { x: { time: axis === 'time' } },
    axes: [
      { label: axis === 'time' ? 'recorded at' : 'trial (in recording order)', stroke: '#3c4043', grid: { stroke: '#eceff1' },
        ...(axis === 'time' ? {} : { incrs: WHOLE_INCRS }) },
      { label, stroke: '#3c4043', grid: { stroke: '#eceff1' }, size: 70 },
    ],
    series: [
      { label: axis === 'time' ? 'time' : 'trial' },
      { label: 'trial score', stroke: COLORS.trial, width: 0, points: { show: true, size: 4, fill: COLORS.trial, stroke: COLORS.trial } },
      { label: 'best so far', stroke: COLORS.best, width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
      { label: 'best + 2σ', stroke: 'transparent', points: { show: false } },
      { label: 'best − 2σ', stroke: 'transparent', points: { show: false } },
      { label: 'keep', stroke: COLORS.keep, width: 0, points: { show: true, size: 9, fill: COLORS.keep, stroke: '#fff', width: 1.5 } },
    ],
    bands: series.noiseFloor ? [{ series: [3, 4], fill: COLORS.band }] : [],
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
  };
  const chart = new uPlot(opts, data, target);
  if (onPick) {
    chart.over.addEventListener('click', () => {
      const i = chart.cursor.idx;
      if (i !== null && i !== undefined && series.points[i]) onPick(series.points[i].trialId);
    });
    chart.over.style.cursor = 'pointer';
    chart.over.title = 'click a trial to open it; drag to zoom, double-click to zoom out';
  }
  return chart;
}

/** Several series over steps, joined on one x axis (gaps where a series has no point at a step). */
export function curvesChart(target, curves, width, height = 260, xLabel = 'step', yLabel = 'value') {
  const palette = ['#1a56c4', '#b3261e', '#137333', '#8e24aa', '#e37400'];
  const tables = curves.map((c) => [c.points.map((p) => p.step), c.points.map((p) => p.value)]);
  const data = tables.length ? uPlot.join(tables) : [[]];
  const opts = {
    width, height,
    scales: { x: { time: false } },
    axes: [{ label: xLabel, stroke: '#3c4043', grid: { stroke: '#eceff1' }, incrs: WHOLE_INCRS },
      { label: yLabel, stroke: '#3c4043', grid: { stroke: '#eceff1' }, size: 70 }],
    series: [{ label: xLabel }, ...curves.map((c, i) => ({
      label: c.label, stroke: palette[i % palette.length], width: i === 0 ? 2 : 1.5, spanGaps: true,
      dash: c.dash, points: { show: false },
    }))],
    cursor: { drag: { x: true, y: false } },
  };
  return new uPlot(opts, data, target);
}
