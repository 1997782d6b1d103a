import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { parseRoute, href, legacyRedirect } from './route.js';
import { getJson, storedToken, storeToken, ApiError } from './api.js';
import { statusGroups, STATUS_ORDER } from './format.js';
import { startLive, onConnection } from './live.js';
import { useKeys } from './hooks.js';
import { Campaigns } from './views/Campaigns.jsx';
import { CampaignOverview } from './views/Campaign.jsx';
import { Trials } from './views/Trials.jsx';
import { lazy, Suspense } from 'preact/compat';
import { TrialPage } from './views/Trial.jsx';
import { Compare } from './views/Compare.jsx';
import { compareIds, onCompareChange } from './compare.js';

// the tree (d3-hierarchy, d3-zoom) loads when the lineage view is first opened
const TreeView = lazy(() => import('./views/Tree.jsx').then((m) => m.TreeView));

function useRoute() {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => { setRoute(parseRoute(location.hash)); };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function LiveDot() {
  const [on, setOn] = useState(false);
  useEffect(() => onConnection(setOn), []);
  return (
    <span id="live" class={'live' + (on ? ' on' : '')} role="status"
          title={on ? 'live: changes arrive as they happen' : 'not connected: reconnecting'}>
      <span aria-hidden="true">●</span> {on ? 'live' : 'offline'}
    </span>
  );
}

/**
 * Who this browser is to the platform, and Sign in / Sign out. Without a token a browser on the platform's own
 * machine is a viewer; starting replays or pausing a campaign needs an admin token (looplab up keeps one in
 * LOOPLAB_HOME/admin.token).
 */
function Caller() {
  const [me, setMe] = useState(null);
  const [error, setError] = useState(null);
  const [asking, setAsking] = useState(false);
  const load = () => getJson('/api/me').then((m) => { setMe(m); setError(null); }, (e) => {
    setMe(null);
    if (e instanceof ApiError && e.status === 401 && storedToken()) {
      storeToken(null);
      setError('the platform refused this browser\'s token (revoked?): signed out');
    } else {
      setError(e.message);
    }
  });
  useEffect(() => { load(); }, []);
  const signOut = () => { storeToken(null); load(); };
  return (
    <span id="caller" class="caller" title={error || (me ? `${me.name}: ${me.role}` : '')}>
      {me ? <span id="caller-role">{me.token ? `${me.name} (${me.role})` : me.role}</span> : <span class="muted">not signed in</span>}
      {' '}
      {storedToken()
        ? <button class="link" id="sign-out" onClick={signOut}>Sign out</button>
        : <button class="link" id="sign-in" onClick={() => setAsking(true)}>Sign in</button>}
      {asking && <SignIn onClose={() => setAsking(false)} onDone={() => { setAsking(false); load(); }} />}
    </span>
  );
}

function SignIn({ onClose, onDone }) {
  const [secret, setSecret] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    storeToken(secret.trim());
    try {
      await getJson('/api/me');
      onDone();
    } catch (err) {
      storeToken(null);
      setError(err instanceof ApiError && err.status === 401
        ? 'The platform does not know this token (mistyped or revoked). Create one with looplab token create --role admin --name <you>, or use the admin token looplab up keeps in LOOPLAB_HOME/admin.token (~/.looplab/admin.token by default).'
        : err.message);
    }
  };
  return (
    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="sign-in-title" onClick={onClose}>
      <form class="modal-body" onClick={(e) => e.stopPropagation()} onSubmit={submit}>
        <h2 id="sign-in-title">Sign in</h2>
        <p>Paste an API token. This browser keeps it and sends it with every request until you sign out.
          Under <code>looplab up</code> the admin token is the file <code>~/.looplab/admin.token</code> (or LOOPLAB_HOME/admin.token).</p>
        <label>Token <input id="token-input" type="password" autocomplete="off" value={secret}
          onInput={(e) => setSecret(e.target.value)} autofocus /></label>
        {error && <p class="error" role="alert" id="sign-in-error">{error}</p>}
        <div class="buttons"><button type="submit" id="sign-in-submit" disabled={!secret.trim()}>Sign in</button>
          <button type="button" onClick={onClose}>Cancel</button></div>
      </form>
    </div>
  );
}

function Help({ onClose }) {
  return (
    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={onClose}>
      <div class="modal-body" onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">Keyboard</h2>
        <dl class="keys">
          <dt>g c</dt><dd>campaigns</dd>
          <dt>g o / g t / g l</dt><dd>this campaign's overview, trials, lineage tree</dd>
          <dt>/</dt><dd>search the trials (in the trials table)</dd>
          <dt>j / k or ↓ / ↑</dt><dd>next / previous trial in a table</dd>
          <dt>Enter</dt><dd>open the selected trial</dd>
          <dt>x</dt><dd>add the selected trial to the comparison</dd>
          <dt>[ / ]</dt><dd>previous / next page</dd>
          <dt>arrows, + / -, 0</dt><dd>move, zoom, fit in the lineage tree</dd>
          <dt>u / s</dt><dd>unified / side-by-side diff on a trial page</dd>
          <dt>?</dt><dd>this help; Esc closes it</dd>
        </dl>
        <button onClick={onClose} autofocus>Close</button>
      </div>
    </div>
  );
}

function App() {
  const route = useRoute();
  const [help, setHelp] = useState(false);
  const [prefix, setPrefix] = useState(null);
  const [compare, setCompare] = useState(compareIds());
  useEffect(() => onCompareChange(setCompare), []);
  const campaign = route.params.campaign || sessionStorage.getItem('looplab.campaign');
  useEffect(() => { if (route.params.campaign) sessionStorage.setItem('looplab.campaign', route.params.campaign); },
    [route.params.campaign]);
  useKeys({
    '?': () => setHelp(true),
    Escape: () => setHelp(false),
    g: () => setPrefix('g'),
    c: () => { if (prefix === 'g') location.hash = href('campaigns'); setPrefix(null); },
    o: () => { if (prefix === 'g' && campaign) location.hash = href('overview', { campaign }); setPrefix(null); },
    t: () => { if (prefix === 'g' && campaign) location.hash = href('trials', { campaign }); setPrefix(null); },
    l: () => { if (prefix === 'g' && campaign) location.hash = href('tree', { campaign }); setPrefix(null); },
  }, [prefix, campaign]);

  let view;
  switch (route.name) {
    case 'campaigns': view = <Campaigns />; break;
    case 'overview': view = <CampaignOverview campaign={route.params.campaign} />; break;
    case 'trials': view = <Trials campaign={route.params.campaign} query={route.query} />; break;
    case 'tree': view = <Suspense fallback={<p class="loading">Loading the lineage view…</p>}><TreeView campaign={route.params.campaign} query={route.query} /></Suspense>; break;
    case 'trial': view = <TrialPage trialId={route.params.trial} query={route.query} />; break;
    case 'compare': view = <Compare ids={(route.query.ids || '').split(',').filter(Boolean)} />; break;
    default: view = <p class="error">No view at {route.params.path}: <a href="#/">back to the campaigns</a></p>;
  }
  const here = route.name;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
      <header class="top">
        <a class="brand" href={href('campaigns')}>Looplab</a>
        <nav aria-label="views">
          <a href={href('campaigns')} aria-current={here === 'campaigns' ? 'page' : undefined}>Campaigns</a>
          {campaign && <>
            <span class="crumb" title="campaign">{campaign}</span>
            <a href={href('overview', { campaign })} aria-current={here === 'overview' ? 'page' : undefined}>Overview</a>
            <a href={href('trials', { campaign })} aria-current={here === 'trials' ? 'page' : undefined}>Trials</a>
            <a href={href('tree', { campaign })} aria-current={here === 'tree' ? 'page' : undefined}>Lineage</a>
          </>}
          <a href={href('compare', {}, { ids: compare.join(',') })} aria-current={here === 'compare' ? 'page' : undefined}>
            Compare{compare.length ? ` (${compare.length})` : ''}</a>
        </nav>
        <button class="link help-button" onClick={() => setHelp(true)} title="keyboard shortcuts">?</button>
        <Caller />
        <LiveDot />
      </header>
      <main id="main" tabIndex={-1}>{view}</main>
      {help && <Help onClose={() => setHelp(false)} />}
    </>
  );
}

async function boot() {
  const legacy = legacyRedirect(location.search);
  if (legacy) history.replaceState(null, '', '/' + legacy);
  try {
    const statuses = await getJson('/api/statuses');
    for (const s of statuses) {
      statusGroups[s.name] = s.group;
      STATUS_ORDER.push(s.name);
    }
  } catch (e) {
    console.error(e);
  }
  startLive();
  const root = document.getElementById('app');
  root.replaceChildren();
  render(<App />, root);
}

boot();
