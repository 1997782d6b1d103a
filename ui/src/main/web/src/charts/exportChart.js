// The best-so-far chart as a standalone SVG (vector, for a paper or a talk) and as a PNG drawn from that SVG,
// with the same marks as the screen chart: dots, the best-so-far steps, the 2-sigma band and the keeps.
import { scaleLinear, scaleTime } from 'd3-scale';
import { area, line, curveStepAfter } from 'd3-shape';
import { COLORS, columns } from './bestSoFar.js';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function bestSoFarSvg(series, axis, title) {
  const [x, score, best, upper, lower, keep] = columns(series, axis);
  const W = 960, H = 540, m = { top: 56, right: 24, bottom: 64, left: 84 };
  const xs = axis === 'time' ? x.map((s) => new Date(s * 1000)) : x;
  const xScale = (axis === 'time' ? scaleTime() : scaleLinear())
    .domain([xs[0] ?? 0, xs[xs.length - 1] ?? 1]).range([m.left, W - m.right]);
  const ys = [...score, ...upper.filter((v) => v !== null), ...lower.filter((v) => v !== null)];
  const yScale = scaleLinear().domain([Math.min(...ys), Math.max(...ys)]).nice().range([H - m.bottom, m.top]);
  const idx = x.map((_, i) => i);
  const stepLine = line().defined((i) => best[i] !== null).x((i) => xScale(xs[i])).y((i) => yScale(best[i])).curve(curveStepAfter);
  const band = area().defined((i) => upper[i] !== null).x((i) => xScale(xs[i])).y0((i) => yScale(lower[i]))
    .y1((i) => yScale(upper[i])).curve(curveStepAfter);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${m.left}" y="30" font-size="18" font-weight="bold" fill="#202124">${esc(title)}</text>`);
  const noise = series.noiseFloor ? `noise band ±2σ = ±${series.noiseFloor.band.toPrecision(3)} (${series.noiseFloor.runs} baseline runs)` : 'noise floor not measured yet';
  out.push(`<text x="${m.left}" y="48" font-size="12" fill="#5f6368">${esc(`${series.scored} scored of ${series.recorded} recorded trials; ${series.keeps.length} keeps; ${noise}`)}</text>`);
  for (const t of yScale.ticks(6)) {
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${yScale(t)}" y2="${yScale(t)}" stroke="#eceff1"/>`);
    out.push(`<text x="${m.left - 8}" y="${yScale(t) + 4}" font-size="12" text-anchor="end" fill="#3c4043">${esc(yScale.tickFormat(6)(t))}</text>`);
  }
  for (const t of xScale.ticks(8)) {
    out.push(`<line x1="${xScale(t)}" x2="${xScale(t)}" y1="${H - m.bottom}" y2="${H - m.bottom + 5}" stroke="#3c4043"/>`);
    out.push(`<text x="${xScale(t)}" y="${H - m.bottom + 20}" font-size="12" text-anchor="middle" fill="#3c4043">${esc(xScale.tickFormat(8)(t))}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#3c4043"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="#3c4043"/>`);
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 18}" font-size="13" text-anchor="middle" fill="#202124">${axis === 'time' ? 'recorded at' : 'trial (in recording order)'}</text>`);
  out.push(`<text transform="translate(22 ${(m.top + H - m.bottom) / 2}) rotate(-90)" font-size="13" text-anchor="middle" fill="#202124">${esc(series.direction === 'higher' ? 'score (higher is better)' : 'score (lower is better)')}</text>`);
  if (series.noiseFloor) out.push(`<path d="${band(idx) || ''}" fill="${COLORS.band}" stroke="none"/>`);
  out.push('<g fill="#5f6368" fill-opacity="0.55">');
  for (const i of idx) out.push(`<circle cx="${xScale(xs[i]).toFixed(1)}" cy="${yScale(score[i]).toFixed(1)}" r="2"/>`);
  out.push('</g>');
  out.push(`<path d="${stepLine(idx) || ''}" fill="none" stroke="${COLORS.best}" stroke-width="2"/>`);
  out.push(`<g fill="${COLORS.keep}" stroke="#ffffff" stroke-width="1.5">`);
  for (const i of idx) if (keep[i] !== null) out.push(`<circle cx="${xScale(xs[i]).toFixed(1)}" cy="${yScale(keep[i]).toFixed(1)}" r="5"/>`);
  out.push('</g>');
  const lx = W - m.right - 190, ly = m.top + 8;
  out.push(`<g font-size="12" fill="#202124"><rect x="${lx - 8}" y="${ly - 12}" width="190" height="72" fill="#ffffff" stroke="#dadce0"/>`
    + `<circle cx="${lx}" cy="${ly}" r="3" fill="#5f6368"/><text x="${lx + 12}" y="${ly + 4}">trial score</text>`
    + `<line x1="${lx - 5}" x2="${lx + 5}" y1="${ly + 16}" y2="${ly + 16}" stroke="${COLORS.best}" stroke-width="2"/><text x="${lx + 12}" y="${ly + 20}">best so far</text>`
    + `<rect x="${lx - 5}" y="${ly + 27}" width="10" height="10" fill="${COLORS.band}"/><text x="${lx + 12}" y="${ly + 36}">noise band (±2σ)</text>`
    + `<circle cx="${lx}" cy="${ly + 48}" r="5" fill="${COLORS.keep}"/><text x="${lx + 12}" y="${ly + 52}">keep</text></g>`);
  out.push('</svg>');
  return out.join('\n');
}

export function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

/** The SVG rendered at twice its size into a PNG. */
export async function svgToPng(svg) {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; img.src = url; });
  const canvas = document.createElement('canvas');
  canvas.width = img.width * 2;
  canvas.height = img.height * 2;
  const ctx = canvas.getContext('2d');
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0);
  URL.revokeObjectURL(url);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}
