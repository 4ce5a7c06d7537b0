// The signed-in user's live updates over Server-Sent Events. EventSource reconnects by itself and sends the
// last event id, so the server replays what was missed; a `resync` event means that was too long ago. Every `ready`
// (the first, and each after a reconnect) also runs onReady, for what the page reads outside the replay (the lists).

// A stream the browser gave up on is opened again after a pause that doubles while the server keeps refusing (a 429
// when the account or the server holds as many streams as it may), so a refusing server is not hammered.
const REOPEN_DELAY_MS = 1000;
const MAX_REOPEN_DELAY_MS = 60000;

export function connectLive({ onEnvelope, onResync, onReady, onState, onUnauthorized }) {
  let source;
  let closed = false;
  let reopenDelay = REOPEN_DELAY_MS;

  function open(reopened) {
    source = new EventSource('/api/updates');
    source.addEventListener('ready', () => { reopenDelay = REOPEN_DELAY_MS; onState('live'); onReady(); });
    // A new EventSource has no last event id to resume from: whatever happened meanwhile needs a reload.
    if (reopened) source.addEventListener('ready', () => onResync(), { once: true });
    source.addEventListener('resync', () => onResync());
    source.onmessage = (event) => onEnvelope(JSON.parse(event.data));
    source.onerror = () => {
      if (closed) return;
      onState('connecting');
      // CLOSED means the browser gave up: a 401 (the cookie expired), a 429 (too many streams) or a 503 (this server
      // is not reading updates yet). Renew the cookie and come back later; anything else the browser retries itself.
      if (source.readyState === EventSource.CLOSED) {
        const delay = reopenDelay;
        reopenDelay = Math.min(reopenDelay * 2, MAX_REOPEN_DELAY_MS);
        onUnauthorized().then((again) => { if (again && !closed) setTimeout(() => { if (!closed) open(true); }, delay); });
      }
    };
  }

  open(false);
  return () => { closed = true; source.close(); };
}
