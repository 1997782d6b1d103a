// Talks to the platform's REST API; every error answer carries {"error", "status"}.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function failure(response, url) {
  let message = `${url} answered ${response.status}`;
  try {
    const body = await response.json();
    if (body && body.error) message = body.error;
  } catch (e) { /* not JSON */ }
  if (response.status === 403) {
    message = `${message}: this browser's role may not do this. Sign in (top right) with a token of a role that may,`
      + ' an admin token for replays and campaign controls (looplab up keeps one in ~/.looplab/admin.token)';
  } else if (response.status === 401) {
    message = `${message}: the platform wants a token. Sign in (top right) with one from looplab token create`;
  }
  return new ApiError(response.status, message);
}

const TOKEN_KEY = 'looplab.token';

/** The API token this browser signed in with (sent as a bearer token), or null: then requests carry none. */
export function storedToken() {
  try { return localStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}

/** Signs this browser in with `secret` (null signs out); the next request carries it. */
export function storeToken(secret) {
  if (secret) localStorage.setItem(TOKEN_KEY, secret); else localStorage.removeItem(TOKEN_KEY);
}

function headers(extra) {
  const token = storedToken();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

export async function getJson(url, options) {
  const response = await fetch(url, { ...options, headers: headers({ Accept: 'application/json' }) });
  if (!response.ok) throw await failure(response, url);
  return response.json();
}

/** JSON, or null when the platform has no such resource (an endpoint another part of Looplab adds later). */
export async function getOptional(url) {
  try {
    return await getJson(url);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

export async function getText(url) {
  const response = await fetch(url, { headers: headers({}) });
  if (!response.ok) throw await failure(response, url);
  return response.text();
}

export async function post(url) {
  const response = await fetch(url, { method: 'POST', headers: headers({ Accept: 'application/json' }) });
  if (!response.ok) throw await failure(response, url);
  return response.status === 204 ? null : response.json();
}

export const enc = encodeURIComponent;

export function query(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, v);
  const text = search.toString();
  return text ? '?' + text : '';
}
