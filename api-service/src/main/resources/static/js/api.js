// REST client for api-service. The api base is the folder this page was served from (derived from this module's own
// URL), so the client also works behind a path prefix.

export const APP_BASE = new URL('../', import.meta.url);

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem || {};
  }

  /** Field-level validation messages, whatever the exact shape of the problem document. */
  get fieldErrors() {
    const p = this.problem;
    const raw = p.errors || p.fieldErrors || p.invalidParams || p['invalid-params'] || [];
    const out = {};
    if (Array.isArray(raw)) {
      for (const e of raw) {
        const field = e.field || e.name || e.pointer;
        if (field) out[String(field).replace(/^\//, '')] = e.message || e.reason || e.detail || 'invalid';
      }
    } else if (raw && typeof raw === 'object') {
      for (const [k, v] of Object.entries(raw)) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    return out;
  }
}

async function request(method, path, { body, token, signal, keepalive } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(new URL(path, APP_BASE), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    keepalive,
    credentials: 'omit',
  });
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const problem = data || { title: response.statusText };
    if (response.status === 429) {
      const retry = response.headers.get('Retry-After');
      problem.detail = `Too many new calls from here. Try again${retry ? ` in ${retry} s` : ' shortly'}.`;
    }
    throw new ApiError(response.status, problem);
  }
  return data;
}

export const api = {
  createRoom: (options = {}) => request('POST', 'api/v1/rooms', { body: options }),
  getRoom: (roomId) => request('GET', `api/v1/rooms/${encodeURIComponent(roomId)}`),
  join: (roomId, participant) =>
    request('POST', `api/v1/rooms/${encodeURIComponent(roomId)}/participants`, { body: participant }),
  leave: (roomId, participantId, token) =>
    request('DELETE', `api/v1/rooms/${encodeURIComponent(roomId)}/participants/${encodeURIComponent(participantId)}`, {
      token,
      keepalive: true,
    }),
  languages: () => request('GET', 'api/v1/languages'),
  iceServers: (token) => request('GET', 'api/v1/ice-servers', { token }),
};

/** The room id from a pasted invite link (".../r/{id}") or a bare code; null when it looks like neither. */
export function parseRoomRef(input) {
  const text = String(input || '').trim();
  if (!text) return null;
  const fromPath = text.match(/\/r\/([A-Za-z0-9_-]{1,64})(?:[/?#]|$)/);
  if (fromPath) return fromPath[1];
  return /^[A-Za-z0-9_-]{6,64}$/.test(text) ? text : null;
}

/** The room id of the current location when it is a room page (/r/{id}), else null. */
export function roomIdFromLocation(loc = window.location) {
  const m = loc.pathname.match(/\/r\/([A-Za-z0-9_-]{1,64})\/?$/);
  return m ? m[1] : null;
}

/** The shareable URL of a room: the joinUrl the api gave, or this page's base + r/{id}. */
export function roomUrl(roomId) {
  return new URL(`r/${encodeURIComponent(roomId)}`, APP_BASE).toString();
}
