// The REST API with the signed-in user's bearer token; a ProblemDetails answer becomes an ApiError with its message.
const TOKEN_KEY = 'taskflow.session';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const session = {
  get() { return JSON.parse(localStorage.getItem(TOKEN_KEY) ?? 'null'); },
  set(value) { localStorage.setItem(TOKEN_KEY, JSON.stringify(value)); },
  clear() { localStorage.removeItem(TOKEN_KEY); },
};

export async function request(method, path, body, { allow404 = false } = {}) {
  let response = await send(method, path, body);
  if (response.status === 401 && await refreshSession()) response = await send(method, path, body);
  if (response.status === 404 && allow404) return null;
  if (!response.ok) throw new ApiError(response.status, await problemText(response));
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? response.json() : null;
}

/**
 * POSTs body and hands each server-sent event of the answer to onEvent(name, data) as it arrives (data parsed from
 * JSON). EventSource cannot POST or send the bearer token, so the stream is read by hand. An answer that is not a
 * stream (a 400, a 404) throws an ApiError, as request does; a 401 first renews the session, as request does.
 */
export async function requestStream(path, body, onEvent) {
  const accept = 'text/event-stream, application/json';
  let response = await send('POST', path, body, accept);
  if (response.status === 401 && await refreshSession()) response = await send('POST', path, body, accept);
  if (!response.ok) throw new ApiError(response.status, await problemText(response));
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream') || !response.body) {
    throw new ApiError(response.status, 'The server did not answer with a stream.');
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
    // Lines may end in \r\n, \n or \r; a \r at the very end may be the first half of a \r\n still on its way.
    buffer = buffer.replace(done ? /\r\n?/g : /\r\n|\r(?=.)/gs, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      emitEvent(buffer.slice(0, end), onEvent);
      buffer = buffer.slice(end + 2);
    }
    if (done) break;
  }
  if (buffer.trim()) emitEvent(buffer, onEvent);
}

// One event's lines: `event: name`, `data: ...` (several join with newlines), `: comment`; other fields are skipped.
function emitEvent(block, onEvent) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return;
  const text = data.join('\n');
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = text; }
  onEvent(name, parsed);
}

function send(method, path, body, accept = 'application/json') {
  const headers = { accept };
  const token = session.get()?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

// An access token lives an hour; a page open longer trades its refresh token for a new pair instead of signing the
// user out. Requests failing together share one refresh (a refresh token is good once).
let refreshing = null;

function refreshSession() {
  const current = session.get();
  if (!current?.refreshToken) return Promise.resolve(false);
  refreshing ??= fetch('/api/auth/refresh', {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: current.refreshToken }),
  })
    .then(async (response) => {
      if (!response.ok) return false;
      keepSession(current.email, await response.json());
      return true;
    })
    .catch(() => false)
    .finally(() => { refreshing = null; });
  return refreshing;
}

// The Api's JSON is snake_case, the auth endpoints' included.
function keepSession(email, tokens) {
  session.set({ email, token: tokens.access_token, refreshToken: tokens.refresh_token });
}

async function problemText(response) {
  try {
    const problem = await response.json();
    const fields = Object.values(problem.errors ?? {}).flat();
    if (fields.length) return fields.join('\n');
    return problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

export async function signIn(email, password) {
  keepSession(email, await request('POST', '/api/auth/login', { email, password }));
  // The cookie that lets EventSource (which cannot send headers) open /api/updates.
  await request('POST', '/api/updates/session');
}

export async function signUp(email, password) {
  await request('POST', '/api/auth/register', { email, password });
  await signIn(email, password);
}

export async function signOut() {
  session.clear();
  await request('DELETE', '/api/updates/session').catch(() => {});
}
