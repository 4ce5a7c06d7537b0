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
  const headers = { accept: 'application/json' };
  const token = session.get()?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 404 && allow404) return null;
  if (!response.ok) throw new ApiError(response.status, await problemText(response));
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? response.json() : null;
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
  const answer = await request('POST', '/api/auth/login', { email, password });
  session.set({ email, token: answer.access_token ?? answer.accessToken });
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
