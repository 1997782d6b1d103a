// Routes live in the URL's hash, so any view (filters included) is a link a colleague can open.
// Pure functions: tested by src/test/route.test.js.

/** Parses '#/campaign/x/trials?status=keep' into {name, params, query}. */
export function parseRoute(hash) {
  const text = (hash || '').replace(/^#/, '') || '/';
  const [path, search = ''] = text.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = Object.fromEntries(new URLSearchParams(search));
  if (parts.length === 0) return { name: 'campaigns', params: {}, query };
  if (parts[0] === 'campaign' && parts[1]) {
    const view = parts[2] || 'overview';
    if (['overview', 'trials', 'tree'].includes(view)) return { name: view, params: { campaign: parts[1] }, query };
  }
  if (parts[0] === 'trial' && parts[1]) return { name: 'trial', params: { trial: parts[1] }, query };
  if (parts[0] === 'compare') return { name: 'compare', params: {}, query };
  return { name: 'missing', params: { path }, query };
}

/** The hash of a route; empty query values are left out so links stay short. */
export function href(name, params = {}, query = {}) {
  const enc = encodeURIComponent;
  let path;
  switch (name) {
    case 'campaigns': path = '/'; break;
    case 'overview': path = `/campaign/${enc(params.campaign)}`; break;
    case 'trials': path = `/campaign/${enc(params.campaign)}/trials`; break;
    case 'tree': path = `/campaign/${enc(params.campaign)}/tree`; break;
    case 'trial': path = `/trial/${enc(params.trial)}`; break;
    case 'compare': path = '/compare'; break;
    default: throw new Error('unknown route ' + name);
  }
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  }
  const qs = search.toString();
  return '#' + path + (qs ? '?' + qs : '');
}

/** The first route for an address of the old single-page browser: '/?campaign=x' opens that campaign's trials. */
export function legacyRedirect(search) {
  const campaign = new URLSearchParams(search || '').get('campaign');
  return campaign ? href('trials', { campaign }) : null;
}

/** The filter parameters the trials API takes, from a route query (page and size included). */
export const FILTER_KEYS = ['status', 'specialist', 'surface', 'kind', 'min_score', 'max_score', 'q', 'sort', 'page', 'size'];

export function filterQuery(query) {
  const out = {};
  for (const k of FILTER_KEYS) if (query[k] !== undefined && query[k] !== '') out[k] = query[k];
  return out;
}
