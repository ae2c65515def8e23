// The console's one way to the API: JSON over fetch with the session cookie,
// the CSRF token on every write, and errors as ApiError with the server's
// code, message and field (docs/api.md, "Errors").

let csrf = null;

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.field = field || '';
  }
}

// Sets the CSRF token a login (or GET /api/v1/session) returned.
export function setCsrf(token) {
  csrf = token || null;
}

// Calls the API: api('GET', '/api/v1/tickets?sort=risk') or
// api('POST', '/api/v1/tickets/3/messages', {body: 'Hello'}).  Resolves to
// the parsed JSON (null for an empty body); rejects with ApiError.  A
// `signal` (AbortController) cancels the request: it rejects with AbortError.
export async function api(method, path, body, { accept = 'application/json', signal } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  const text = await res.text();
  let data = null;
  if (text && (res.headers.get('Content-Type') || '').includes('json')) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'bad_reply', 'the server sent JSON that does not parse');
    }
  } else if (text) {
    data = text;
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code, e.message, e.field);
  }
  return data;
}

// Logs in; resolves to the agent.  The cookie is set by the server.
export async function login(email, password) {
  const r = await api('POST', '/api/v1/session', { email, password });
  setCsrf(r.csrf_token);
  return r.agent;
}

// The agent of the current session, or null when not logged in.
export async function whoami() {
  try {
    const r = await api('GET', '/api/v1/session');
    setCsrf(r.csrf_token);
    return r.agent;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function logout() {
  try {
    await api('DELETE', '/api/v1/session');
  } finally {
    setCsrf(null);
  }
}
