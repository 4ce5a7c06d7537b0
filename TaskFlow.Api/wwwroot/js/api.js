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

function send(method, path, body) {
  const headers = { accept: 'application/json' };
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
