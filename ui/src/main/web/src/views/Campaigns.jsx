import { getJson, getOptional } from '../api.js';
import { useLoad, useLive, useThrottled } from '../hooks.js';
import { href } from '../route.js';
import { fmt, ago, markOnce } from '../format.js';
import { Loading, ErrorNote, TrialLink } from '../components.jsx';
import { Sparkline } from '../charts/sparkline.jsx';

/** Every campaign: task, team and state (where the campaign API has them), best, pace, in flight, workers. */
export function Campaigns() {
  const load = useLoad(async () => {
    const [summaries, campaigns] = await Promise.all([getJson('/api/campaign-summaries'),
      getOptional('/api/campaigns').catch(() => null)]);
    const byId = Object.fromEntries((Array.isArray(campaigns) ? campaigns : []).map((c) => [c.campaign, c]));
    return summaries.map((s) => ({ ...s, view: byId[s.campaign] || null }));
  }, []);
  const refresh = useThrottled(() => load.reload(), 3000);
  useLive(refresh);
  const rows = load.data;
  if (rows) requestAnimationFrame(() => markOnce('campaigns'));
  return (
    <div class="view" id="view-campaigns">
      <h1>Campaigns</h1>
      <ErrorNote error={load.error} />
      {!rows ? <Loading what="campaigns" /> : rows.length === 0 ? <p class="muted">No campaign yet: `./looplab up` opens one.</p> : (
        <table class="grid" id="campaigns">
          <thead>
            <tr><th scope="col">campaign</th><th scope="col">task</th><th scope="col">team</th><th scope="col">state</th>
              <th scope="col" class="num">best</th><th scope="col">best so far</th><th scope="col" class="num">trials</th>
              <th scope="col" class="num">keeps</th><th scope="col" class="num">per hour</th><th scope="col" class="num">in flight</th>
              <th scope="col" class="num">workers</th><th scope="col">last recorded</th></tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.campaign} data-campaign={c.campaign}>
                <th scope="row"><a href={href('overview', { campaign: c.campaign })}>{c.campaign}</a></th>
                <td>{c.task}</td>
                <td>{c.view?.team ?? (c.imported ? 'imported' : '—')}</td>
                <td>{c.view?.state ? <span class={'state ' + c.view.state}>{c.view.state}</span> : (c.imported ? 'imported' : '—')}</td>
                <td class="num">{c.bestScore !== null && c.bestScore !== undefined
                  ? <TrialLink id={c.bestTrialId}>{fmt(c.bestScore)}</TrialLink> : '—'}</td>
                <td><Sparkline values={c.sparkline} label={`best so far of ${c.campaign}`} /></td>
                <td class="num"><a href={href('trials', { campaign: c.campaign })}>{c.trials}</a></td>
                <td class="num">{c.keeps}</td>
                <td class="num" title={`${c.trialsLastHour} recorded in the last hour`}>
                  {c.trialsLastHour > 0 ? c.trialsLastHour : c.trialsPerHour ? fmt(c.trialsPerHour, 1) : '—'}</td>
                <td class="num">{c.inFlight}</td>
                <td class="num">{c.view?.liveWorkers ?? c.workers}</td>
                <td>{c.lastRecordedAtMs ? ago(new Date(c.lastRecordedAtMs).toISOString()) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
