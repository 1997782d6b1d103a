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
  return new ApiError(response.status, message);
}

export async function getJson(url, options) {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, ...options });
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
  const response = await fetch(url);
  if (!response.ok) throw await failure(response, url);
  return response.text();
}

export async function post(url) {
  const response = await fetch(url, { method: 'POST', headers: { Accept: 'application/json' } });
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
