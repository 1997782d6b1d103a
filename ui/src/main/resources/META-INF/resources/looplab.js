// The trial browser: lists the campaign's trials newest first and redraws on every server-sent event.
const params = new URLSearchParams(location.search);
let campaignId = params.get('campaign');

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ' answered ' + response.status);
  return response.json();
}

// status name -> its group (in_flight, keep, discard, scored, failure), from the platform's one list
let statusGroups = {};
async function loadStatuses() {
  const statuses = await getJson('/api/statuses');
  statusGroups = Object.fromEntries(statuses.map(s => [s.name, s.group]));
}

function fmt(value, digits) {
  return value === null || value === undefined ? '' : Number(value).toFixed(digits);
}

function deltaCell(delta, direction) {
  const td = document.createElement('td');
  td.className = 'num';
  if (delta === null || delta === undefined) return td;
  td.textContent = (delta > 0 ? '+' : '') + fmt(delta, 4);
  const better = direction === 'higher' ? delta > 0 : delta < 0;
  if (delta !== 0) td.classList.add(better ? 'better' : 'worse');
  return td;
}

function textCell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

function row(trial) {
  const tr = document.createElement('tr');
  tr.dataset.trial = trial.id;
  tr.appendChild(textCell(trial.id));
  tr.appendChild(textCell(trial.parentTrialId ?? '—'));
  tr.appendChild(textCell(trial.specialist));
  const hypothesis = textCell(trial.hypothesis, 'hypothesis');
  if (trial.reason) {
    const reason = document.createElement('div');
    reason.className = 'reason';
    reason.textContent = trial.reason;
    hypothesis.appendChild(reason);
  }
  tr.appendChild(hypothesis);
  const status = document.createElement('td');
  const badge = document.createElement('span');
  badge.className = 'status ' + (statusGroups[trial.status] ?? 'unknown');
  badge.textContent = trial.status;
  status.appendChild(badge);
  tr.appendChild(status);
  tr.appendChild(textCell(fmt(trial.score, 4), 'num'));
  tr.appendChild(deltaCell(trial.deltaVsParent, trial.direction));
  tr.appendChild(deltaCell(trial.deltaVsBest, trial.direction));
  tr.classList.add('clickable');
  tr.title = 'show the training curve and files';
  tr.onclick = () => toggleDetail(tr, trial.id);
  if (openTrial === trial.id) setTimeout(() => toggleDetail(tr, trial.id), 0);
  return tr;
}

// ---- trial detail: the loss curve (served thinned by the platform) and the files with their links
let openTrial = null;

async function toggleDetail(tr, id) {
  const next = tr.nextElementSibling;
  if (next && next.classList.contains('detail')) {
    next.remove();
    openTrial = null;
    return;
  }
  openTrial = id;
  const detail = document.createElement('tr');
  detail.className = 'detail';
  const td = document.createElement('td');
  td.colSpan = tr.children.length;
  detail.appendChild(td);
  tr.after(detail);
  const [metrics, files] = await Promise.all([
    getJson('/api/trials/' + encodeURIComponent(id) + '/metrics'),
    getJson('/api/trials/' + encodeURIComponent(id) + '/artifacts')]);
  const names = metrics.series.map(s => s.name);
  const name = names.includes('train_loss') ? 'train_loss' : names[0];
  if (name) {
    const series = await getJson('/api/trials/' + encodeURIComponent(id) + '/metrics/'
      + encodeURIComponent(name) + '?max_points=400');
    td.appendChild(chart(series));
  } else {
    td.appendChild(textBlock('no metric points'));
  }
  const list = document.createElement('ul');
  list.className = 'files';
  for (const f of files) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '/api/trials/' + encodeURIComponent(id) + '/artifacts/' + f.name.split('/').map(encodeURIComponent).join('/');
    a.textContent = f.name;
    li.append(a, ` ${f.sizeBytes.toLocaleString()} bytes · sha256 ${f.sha256.slice(0, 12)}…`);
    list.appendChild(li);
  }
  td.appendChild(list);
}

function textBlock(text) {
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent = text;
  return p;
}

function chart(series) {
  const w = 640, h = 200, pad = 36;
  const pts = series.points;
  const xs = pts.map(p => p.step), ys = pts.map(p => p.value);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const sx = v => pad + (x1 === x0 ? 0 : (v - x0) / (x1 - x0)) * (w - 2 * pad);
  const sy = v => h - pad + (y1 === y0 ? 0 : -(v - y0) / (y1 - y0)) * (h - 2 * pad);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'chart');
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts.map(p => sx(p.step).toFixed(1) + ',' + sy(p.value).toFixed(1)).join(' '));
  svg.appendChild(line);
  const label = (x, y, text, anchor) => {
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', x); t.setAttribute('y', y); t.setAttribute('text-anchor', anchor);
    t.textContent = text;
    svg.appendChild(t);
  };
  label(pad, 14, `${series.name}: ${fmt(y1, 4)}`, 'start');
  label(pad, h - 6, `step ${x0}`, 'start');
  label(w - pad, h - 6, `step ${x1} · ${series.totalPoints} points` + (series.downsampled ? ' (thinned)' : ''), 'end');
  label(w - pad, 14, `min ${fmt(y0, 4)}`, 'end');
  return svg;
}

async function refresh() {
  const query = campaignId ? '?campaign=' + encodeURIComponent(campaignId) : '';
  const trials = await getJson('/api/trials' + query);
  if (!campaignId && trials.length > 0) campaignId = trials[trials.length - 1].campaign;
  const body = document.querySelector('#trials tbody');
  body.replaceChildren(...trials.map(row));
  document.getElementById('empty').hidden = trials.length > 0;
  if (campaignId) {
    const c = await getJson('/api/campaigns/' + encodeURIComponent(campaignId));
    document.getElementById('campaign').textContent =
      `campaign ${c.campaign} · task ${c.task} · best trial ${c.bestTrialId ?? '—'} (${fmt(c.bestScore, 4) || 'no score yet'}) · ${c.recorded} recorded, ${c.inFlight} in flight`;
  }
}

let pending = null;
function scheduleRefresh() {
  if (pending) return;
  pending = setTimeout(() => { pending = null; refresh().catch(console.error); }, 200);
}

function listen() {
  const events = new EventSource('/api/trials/stream');
  const dot = document.getElementById('live');
  events.onopen = () => dot.classList.add('on');
  events.onmessage = scheduleRefresh;
  events.onerror = () => dot.classList.remove('on');
}

loadStatuses().then(refresh).catch(console.error);
listen();
// a slow safety net in case an event is missed while the connection reconnects
setInterval(() => refresh().catch(console.error), 15000);
