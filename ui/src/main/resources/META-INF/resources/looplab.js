// The trial browser: lists the campaign's trials newest first and redraws on every server-sent event.
const params = new URLSearchParams(location.search);
let campaignId = params.get('campaign');

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ' answered ' + response.status);
  return response.json();
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
  badge.className = 'status ' + trial.status;
  badge.textContent = trial.status;
  status.appendChild(badge);
  tr.appendChild(status);
  tr.appendChild(textCell(fmt(trial.score, 4), 'num'));
  tr.appendChild(deltaCell(trial.deltaVsParent, trial.direction));
  tr.appendChild(deltaCell(trial.deltaVsBest, trial.direction));
  return tr;
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

refresh().catch(console.error);
listen();
// a slow safety net in case an event is missed while the connection reconnects
setInterval(() => refresh().catch(console.error), 15000);
