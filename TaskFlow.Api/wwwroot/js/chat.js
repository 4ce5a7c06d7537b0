// The assistant's side panel: the user's past conversations, the one on view, and a box to write in. An answer streams
// in (POST /api/chat/stream): each tool the assistant called shows as a line under its message, its text as it arrives.
// The tasks it changes reach the list through the live updates, as any other change does. What the user or the
// assistant wrote only ever becomes text nodes, never markup.
import { request, requestStream } from './api.js';
import { el } from './dom.js';
import { formatInstant } from './format.js';
import { browserZone } from './zones.js';

// How close to the bottom (px) the messages must be scrolled for new text to keep them scrolled to the bottom.
const STICK_TO_BOTTOM = 80;

/**
 * Wires the panel; onUnauthorized runs when the session could not be renewed (the page signs out). Returns open,
 * close, isOpen and reset (forget everything, for sign-out).
 */
export function setupChat({ panel, opener, onUnauthorized }) {
  const $ = (selector) => panel.querySelector(selector);
  const list = $('#conversation-list');
  const body = $('#assistant-body');
  const log = $('#assistant-log');
  const hint = $('#assistant-hint');
  const error = $('#assistant-error');
  const form = $('#assistant-form');
  const input = $('#assistant-input');
  const send = $('#assistant-send');

  // The conversation on view (id null: a new one, made by its first answer). A new object whenever the view changes,
  // so an answer still streaming for the one before (the server keeps it all the same) no longer writes here.
  let view = { id: null, busy: false };
  let conversations = null; // not loaded yet

  // ---- showing ----
  const nearBottom = () => body.scrollHeight - body.scrollTop - body.clientHeight < STICK_TO_BOTTOM;
  const scrollDown = () => { body.scrollTop = body.scrollHeight; };

  function toolLine(call) {
    return el('li', { class: `tool-call${call.is_error ? ' failed' : ''}`, dataset: { tool: call.name ?? '' } },
      call.summary || call.name || 'a tool');
  }

  function messageItem(role, content = '', toolCalls = [], createdAt = null) {
    const text = el('div', { class: 'bubble' }, content);
    const tools = el('ul', { class: 'tool-calls', 'aria-label': 'What the assistant did' }, (toolCalls ?? []).map(toolLine));
    const props = { class: `chat-message ${role}` };
    if (createdAt) props.title = formatInstant(createdAt);
    const item = el('li', props, el('span', { class: 'visually-hidden' }, role === 'user' ? 'You:' : 'Assistant:'), text,
      role === 'user' ? null : tools);
    return { item, text, tools };
  }

  function showMessages(items) {
    log.replaceChildren(...items);
    hint.hidden = items.length > 0;
  }

  function renderConversations() {
    if (!conversations) { list.replaceChildren(); return; }
    list.replaceChildren(...(conversations.length ? conversations.map((conversation) =>
      el('li', {},
        el('button', {
          class: 'conversation', type: 'button', 'aria-current': String(conversation.conversation_id === view.id),
          onclick: () => loadConversation(conversation.conversation_id),
        },
        el('span', { class: 'conversation-title' }, conversation.title || 'Untitled'),
        el('time', { class: 'when', datetime: conversation.created_at }, formatInstant(conversation.created_at)))))
      : [el('li', { class: 'muted empty-conversations' }, 'No conversations yet.')]));
  }

  async function failed(failure) {
    if (failure?.status === 401) { await onUnauthorized(); return; }
    error.textContent = failure instanceof TypeError
      ? 'The assistant could not be reached; check your connection and try again.'
      : failure?.message ?? String(failure);
  }

  // ---- conversations ----
  async function loadConversations() {
    try {
      conversations = await request('GET', '/api/chat');
      renderConversations();
    } catch (failure) {
      await failed(failure);
    }
  }

  function startView(id) {
    view = { id, busy: false };
    send.disabled = false;
    error.textContent = '';
    renderConversations();
    return view;
  }

  function newConversation() {
    startView(null);
    showMessages([]);
    input.focus();
  }

  async function loadConversation(id) {
    const current = startView(id);
    showMessages([]);
    hint.hidden = true;
    try {
      const conversation = await request('GET', `/api/chat/${encodeURIComponent(id)}`);
      if (view !== current) return;
      showMessages(conversation.messages.map((m) => messageItem(m.role, m.content, m.tool_calls, m.created_at).item));
      scrollDown();
      input.focus();
    } catch (failure) {
      if (view !== current) return;
      hint.hidden = false;
      if (failure.status === 404) {
        current.id = null;
        error.textContent = 'That conversation is no longer there.';
        loadConversations();
      } else {
        await failed(failure);
      }
    }
  }

  // ---- sending ----
  async function sendMessage() {
    const message = input.value.trim();
    if (!message || view.busy) return;
    const current = view;
    current.busy = true;
    send.disabled = true;
    error.textContent = '';
    input.value = '';
    const asked = messageItem('user', message);
    const answer = messageItem('assistant');
    answer.item.classList.add('pending');
    hint.hidden = true;
    log.append(asked.item, answer.item);
    scrollDown();

    // Nothing was kept: the message is marked so and goes back into the box (unless something new was typed there).
    const notKept = (why) => {
      asked.item.classList.add('unsent');
      if (!answer.text.textContent && !answer.tools.children.length) answer.item.remove();
      if (!input.value) input.value = message;
      error.textContent = why;
    };
    let ended = false;
    try {
      const body = { message, time_zone: browserZone };
      if (current.id) body.conversation_id = current.id;
      await requestStream('/api/chat/stream', body, (event, data) => {
        if (view !== current) return;
        const stick = nearBottom();
        if (event === 'tool') {
          answer.tools.append(toolLine(data));
        } else if (event === 'text') {
          answer.text.append(data.delta ?? '');
        } else if (event === 'done') {
          ended = true;
          current.id = data.conversation_id;
          if (!answer.text.textContent && data.response) answer.text.textContent = data.response;
          loadConversations();
        } else if (event === 'error') {
          ended = true;
          notKept(data.detail ?? 'The assistant did not answer; try again.');
        }
        if (stick) scrollDown();
      });
      if (!ended && view === current) notKept('The answer was cut off; try again.');
    } catch (failure) {
      if (view !== current) return;
      if (failure?.status !== 401) notKept('');
      await failed(failure);
    } finally {
      current.busy = false;
      answer.item.classList.remove('pending');
      if (view === current) send.disabled = false;
    }
  }

  // ---- the panel ----
  const isOpen = () => panel.open;

  function open() {
    if (!panel.open) {
      panel.show();
      opener.setAttribute('aria-expanded', 'true');
      document.body.classList.add('assistant-open');
      loadConversations();
    }
    input.focus();
  }

  function close({ returnFocus = true } = {}) {
    if (!panel.open) return;
    const focusWasInside = panel.contains(document.activeElement);
    panel.close();
    if (returnFocus && focusWasInside) opener.focus();
  }

  function reset() {
    close({ returnFocus: false });
    conversations = null;
    startView(null);
    showMessages([]);
    input.value = '';
  }

  // However it closes (the button, Esc, the header button), the page shows it closed.
  panel.addEventListener('close', () => {
    opener.setAttribute('aria-expanded', 'false');
    document.body.classList.remove('assistant-open');
  });
  opener.addEventListener('click', () => (panel.open ? close() : open()));
  $('#assistant-close').addEventListener('click', () => close());
  $('#assistant-new').addEventListener('click', newConversation);
  form.addEventListener('submit', (event) => { event.preventDefault(); sendMessage(); });
  input.addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter is a new line; Enter that ends an IME composition is neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); sendMessage(); }
  });
  for (const example of panel.querySelectorAll('[data-example]')) {
    example.addEventListener('click', () => { input.value = example.dataset.example; input.focus(); });
  }
  showMessages([]);

  return { open, close, isOpen, reset };
}
