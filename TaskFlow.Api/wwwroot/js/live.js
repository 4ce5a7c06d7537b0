// The signed-in user's live updates over Server-Sent Events. EventSource reconnects by itself and sends the
// last event id, so the server replays what was missed; a `resync` event means that was too long ago. Every `ready`
// (the first, and each after a reconnect) also runs onReady, for what the page reads outside the replay (the lists).

// A stream the browser gave up on is opened again after this pause, so a server that keeps refusing is not hammered.
const REOPEN_DELAY_MS = 1000;

export function connectLive({ onEnvelope, onResync, onReady, onState, onUnauthorized }) {
  let source;
  let closed = false;

  function open(reopened) {
    source = new EventSource('/api/updates');
    source.addEventListener('ready', () => { onState('live'); onReady(); });
    // A new EventSource has no last event id to resume from: whatever happened meanwhile needs a reload.
    if (reopened) source.addEventListener('ready', () => onResync(), { once: true });
    source.addEventListener('resync', () => onResync());
    source.onmessage = (event) => onEnvelope(JSON.parse(event.data));
    source.onerror = () => {
      if (closed) return;
      onState('connecting');
      // CLOSED means the browser gave up: a 401 (the cookie expired) or a 503 (this server is not reading updates
      // yet). Renew the cookie and come back a little later; anything else the browser retries itself.
      if (source.readyState === EventSource.CLOSED) {
        onUnauthorized().then((again) => { if (again && !closed) setTimeout(() => { if (!closed) open(true); }, REOPEN_DELAY_MS); });
      }
    };
  }

  open(false);
  return () => { closed = true; source.close(); };
}
