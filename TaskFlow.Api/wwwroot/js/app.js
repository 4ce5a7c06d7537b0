import { ApiError, request, session, signIn, signOut, signUp } from './api.js';
import { setupChat } from './chat.js';
import { el } from './dom.js';
import { dueText, formatInstant } from './format.js';
import { connectLive } from './live.js';
import { describeDuration, setupQuickAdd } from './quickadd.js';
import { allZones, browserZone, instantToZoned, isZone, zonedToInstant } from './zones.js';

const $ = (selector) => document.querySelector(selector);
const state = { items: [], nextCursor: null, editing: null, editorSaved: null, historyTask: null, disconnect: null, notificationsApi: null };
let quickAdd = null;
let chat = null;

function showError(target, error) {
  $(target).textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// ---- sign in / sign up ----
let authMode = 'sign-in';

function setAuthMode(mode) {
  authMode = mode;
  $('#tab-sign-in').setAttribute('aria-selected', String(mode === 'sign-in'));
  $('#tab-sign-up').setAttribute('aria-selected', String(mode === 'sign-up'));
  $('#auth-submit').textContent = mode === 'sign-in' ? 'Sign in' : 'Create account';
  $('#password-hint').hidden = mode === 'sign-in';
  $('#auth-form').password.autocomplete = mode === 'sign-in' ? 'current-password' : 'new-password';
  $('#auth-error').textContent = '';
}

async function submitAuth(event) {
  event.preventDefault();
  const form = event.target;
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) { $('#auth-error').textContent = 'Enter your email and password.'; return; }
  $('#auth-submit').disabled = true;
  try {
    if (authMode === 'sign-up') await signUp(email, password);
    else await signIn(email, password);
    form.reset();
    await showTasks();
  } catch (error) {
    $('#auth-error').textContent = error.status === 401 ? 'Wrong email or password.' : error.message;
  } finally {
    $('#auth-submit').disabled = false;
  }
}

function showAuth() {
  state.disconnect?.();
  state.disconnect = null;
  quickAdd?.reset();
  chat?.reset();
  $('#session').hidden = true;
  $('#tasks-view').hidden = true;
  $('#auth-view').hidden = false;
  $('#auth-form').email.focus();
}

async function showTasks() {
  $('#auth-view').hidden = true;
  $('#tasks-view').hidden = false;
  $('#session').hidden = false;
  $('#who').textContent = session.get().email;
  startLive();
  await Promise.all([loadTasks(), loadLabels(), loadNotifications()]);
}

async function handleFailure(error, target) {
  if (error.status === 401) { await signOut(); showAuth(); return; }
  showError(target, error);
}

// ---- the task list ----
function query(cursor) {
  const params = new URLSearchParams();
  const add = (name, value) => { if (value) params.append(name, value); };
  add('q', $('#search').value.trim());
  add('status', $('#filter-status').value);
  add('priority', $('#filter-priority').value);
  add('category', $('#filter-category').value.trim());
  for (const tag of $('#filter-tag').value.split(',').map((t) => t.trim()).filter(Boolean)) add('tag', tag);
  if ($('#filter-overdue').checked) add('overdue', 'true');
  add('sort', $('#sort').value);
  add('limit', '50');
  add('cursor', cursor);
  return `/api/tasks?${params}`;
}

async function loadTasks({ more = false } = {}) {
  try {
    const page = await request('GET', query(more ? state.nextCursor : null));
    state.items = more ? [...state.items, ...page.items] : page.items;
    state.nextCursor = page.next_cursor;
    $('#list-error').textContent = '';
    renderTasks();
  } catch (error) {
    await handleFailure(error, '#list-error');
  }
}

// Every change (here or in another window) reloads the list, so filters and sort always hold.
const reloadTasks = debounce(() => { loadTasks(); loadLabels(); }, 120);

async function loadLabels() {
  try {
    const [categories, tags] = await Promise.all([request('GET', '/api/categories'), request('GET', '/api/tags')]);
    $('#category-options').replaceChildren(...categories.map((c) => el('option', { value: c.category })));
    $('#tag-options').replaceChildren(...tags.map((t) => el('option', { value: t.tag })));
  } catch {
    // Suggestions only; the list itself reports real failures.
  }
}

function isOverdue(task) {
  if (task.status === 'completed') return false;
  if (task.due_at) return new Date(task.due_at) < new Date();
  return task.due_date ? task.due_date < new Date().toISOString().slice(0, 10) : false;
}

function renderTask(task) {
  const done = task.status === 'completed';
  const toggle = el('input', { type: 'checkbox', 'aria-label': done ? `Reopen “${task.title}”` : `Complete “${task.title}”` });
  toggle.checked = done;
  toggle.addEventListener('change', () => act(done ? 'reopen' : 'complete', task));
  return el('li', { class: `task${done ? ' done' : ''}`, dataset: { taskId: task.task_id } },
    toggle,
    el('div', {},
      el('div', { class: 'title' }, task.title),
      task.description ? el('div', { class: 'description' }, task.description) : null,
      el('div', { class: 'meta' },
        task.pinned ? el('span', { class: 'chip pinned' }, 'Pinned') : null,
        el('span', { class: `chip ${task.priority}` }, `${task.priority} priority`),
        task.status === 'in_progress' ? el('span', { class: 'chip' }, 'in progress') : null,
        task.category ? el('span', { class: 'chip' }, task.category) : null,
        dueText(task) ? el('span', { class: `chip${isOverdue(task) ? ' overdue' : ''}` }, isOverdue(task) ? `Overdue · ${dueText(task)}` : dueText(task)) : null,
        task.recurrence ? el('span', { class: 'chip' }, `↻ ${task.recurrence}`) : null,
        task.tags.map((tag) => el('span', { class: 'chip tag' }, `#${tag}`)))),
    el('div', { class: 'task-actions' },
      el('button', { class: 'button ghost', type: 'button', onclick: () => openEditor(task) }, 'Edit'),
      el('button', { class: 'button ghost', type: 'button', onclick: () => openHistory(task) }, 'History'),
      el('button', { class: 'button ghost danger', type: 'button', onclick: () => act('delete', task) }, 'Delete')));
}

function renderTasks() {
  $('#task-list').replaceChildren(...state.items.map(renderTask));
  $('#empty').hidden = state.items.length > 0;
  $('#more').hidden = !state.nextCursor;
}

async function act(action, task) {
  if (action === 'delete' && !confirm(`Delete “${task.title}”?`)) return;
  try {
    if (action === 'delete') await request('DELETE', `/api/tasks/${task.task_id}`);
    else await request('POST', `/api/tasks/${task.task_id}/${action}`);
    reloadTasks();
  } catch (error) {
    await handleFailure(error, '#list-error');
  }
}

// ---- the editor ----
// The presets the recurrence select offers, and the RRULE the Api stores for each.
const RECURRENCE_PRESETS = {
  daily: 'FREQ=DAILY', weekdays: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', weekly: 'FREQ=WEEKLY',
  'every 2 weeks': 'FREQ=WEEKLY;INTERVAL=2', monthly: 'FREQ=MONTHLY', yearly: 'FREQ=YEARLY',
};

const recurrencePreset = (recurrence) => Object.entries(RECURRENCE_PRESETS)
  .find(([name, rule]) => recurrence.toLowerCase() === name || recurrence.toUpperCase() === rule)?.[0] ?? null;

/**
 * Opens the editor on a task to change, or empty for a new one. A new one may start from a draft (the fields of a
 * task body, as the quick add reads a line into); onSaved runs once a new task was created from it.
 */
function openEditor(task = null, { draft = null, onSaved = null } = {}) {
  state.editing = task;
  state.editorSaved = task ? null : onSaved;
  const form = $('#editor-form');
  form.reset();
  for (const option of form.remind_before.querySelectorAll('option[data-extra]')) option.remove();
  $('#editor-title').textContent = task ? 'Edit task' : 'New task';
  $('#editor-error').textContent = '';
  const fields = task ?? draft;
  const zone = fields?.time_zone ?? browserZone;
  form.time_zone.value = zone;
  if (fields) {
    form.title.value = fields.title ?? '';
    form.description.value = fields.description ?? '';
    form.priority.value = fields.priority ?? 'medium';
    form.category.value = fields.category ?? '';
    form.tags.value = (fields.tags ?? []).join(', ');
    form.pinned.checked = fields.pinned ?? false;
    const due = fields.due_at ? instantToZoned(fields.due_at, zone) : { date: fields.due_date ?? '', time: '' };
    form.due_date.value = due.date;
    form.due_time.value = due.time;
    const before = fields.remind_before ?? '';
    // A reminder the select does not offer (30 minutes, 2 days) gets an option of its own rather than being dropped.
    if (before && ![...form.remind_before.options].some((option) => option.value === before)) {
      form.remind_before.append(el('option', { value: before, dataset: { extra: '' } }, describeDuration(before) ?? before));
    }
    form.remind_before.value = before;
    const recurrence = fields.recurrence ?? '';
    const preset = recurrence ? recurrencePreset(recurrence) : null;
    form.recurrence_preset.value = !recurrence ? '' : preset ?? 'custom';
    form.rrule.value = recurrence && !preset ? recurrence : '';
  }
  $('#rrule-label').hidden = form.recurrence_preset.value !== 'custom';
  $('#editor').showModal();
  form.title.focus();
}

function editorBody() {
  const form = $('#editor-form');
  const zone = form.time_zone.value.trim() || browserZone;
  if (!isZone(zone)) throw new Error(`“${zone}” is not a time zone (e.g. Europe/Berlin).`);
  const body = {
    title: form.title.value.trim(),
    description: form.description.value.trim() || null,
    priority: form.priority.value,
    category: form.category.value.trim() || null,
    tags: form.tags.value.split(',').map((t) => t.trim()).filter(Boolean),
    pinned: form.pinned.checked,
    time_zone: zone,
  };
  const date = form.due_date.value;
  const time = form.due_time.value;
  if (time && !date) throw new Error('Pick a due date for the due time.');
  body.due_at = date && time ? zonedToInstant(date, time, zone) : null;
  body.due_date = date && !time ? date : null;
  // Reminder and recurrence go out only when filled in: the API may not know them yet, and empty means "leave as is".
  if (form.remind_at.value) body.remind_at = new Date(form.remind_at.value).toISOString();
  if (form.remind_before.value) body.remind_before = form.remind_before.value;
  const recurrence = form.recurrence_preset.value === 'custom' ? form.rrule.value.trim() : form.recurrence_preset.value;
  if (recurrence) body.recurrence = recurrence;
  return body;
}

async function saveEditor(event) {
  event.preventDefault();
  const form = $('#editor-form');
  if (!form.title.value.trim()) { $('#editor-error').textContent = 'Give the task a title.'; form.title.focus(); return; }
  $('#editor-save').disabled = true;
  try {
    const body = editorBody();
    if (state.editing) await request('PATCH', `/api/tasks/${state.editing.task_id}`, body);
    else await request('POST', '/api/tasks', body);
    $('#editor').close();
    state.editorSaved?.();
    reloadTasks();
  } catch (error) {
    await handleFailure(error, '#editor-error');
  } finally {
    $('#editor-save').disabled = false;
  }
}

// ---- history ----
let historyTimer;

function renderValue(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return formatInstant(value);
  return String(value);
}

const EVENT_NAMES = { 'task.created': 'Created', 'task.updated': 'Updated', 'task.deleted': 'Deleted' };

async function loadHistory() {
  const task = state.historyTask;
  if (!task) return;
  try {
    const history = await request('GET', `/api/tasks/${task.task_id}/history`);
    $('#history-error').textContent = '';
    $('#history-list').replaceChildren(...history.map((entry) => el('li', { dataset: { eventType: entry.event_type } },
      el('div', {},
        el('span', { class: 'kind' }, EVENT_NAMES[entry.event_type] ?? entry.event_type), ' ',
        el('span', { class: 'when' }, formatInstant(entry.timestamp))),
      Object.entries(entry.changes ?? {})
        .filter(([, change]) => renderValue(change.old) !== renderValue(change.new))
        .map(([field, change]) => el('div', { class: 'change' },
          el('span', { class: 'field' }, field.replaceAll('_', ' ')), ': ',
          // A value that came from nothing (as every field of a new task does) needs no arrow.
          renderValue(change.old) === '—' && entry.event_type === 'task.created' ? null
            : [el('span', { class: 'old' }, renderValue(change.old)), ' → '],
          el('span', { class: 'new' }, renderValue(change.new)))))));
  } catch (error) {
    showError('#history-error', error);
  }
}

function openHistory(task) {
  state.historyTask = task;
  $('#history-title').textContent = `History of “${task.title}”`;
  $('#history-list').replaceChildren();
  $('#history').showModal();
  loadHistory();
  // The audit trail is written by another service a moment after the change: keep it fresh while open.
  historyTimer = setInterval(loadHistory, 2000);
}

function closeHistory() {
  clearInterval(historyTimer);
  state.historyTask = null;
}

// ---- notifications (served by the Workers' notification service once it exists) ----
async function notificationsAvailable() {
  if (state.notificationsApi === null) {
    try {
      const document = await request('GET', '/openapi/v1.json');
      state.notificationsApi = Boolean(document?.paths?.['/api/notifications']);
    } catch {
      state.notificationsApi = false;
    }
  }
  return state.notificationsApi;
}

async function loadNotifications() {
  if (!(await notificationsAvailable())) { $('#bell-wrap').hidden = true; return; }
  try {
    const answer = await request('GET', '/api/notifications', undefined, { allow404: true });
    if (answer === null) { $('#bell-wrap').hidden = true; return; }
    const items = Array.isArray(answer) ? answer : answer.items ?? [];
    const unread = items.filter((n) => !(n.read ?? n.is_read ?? n.read_at));
    $('#bell-wrap').hidden = false;
    $('#bell-count').textContent = String(unread.length);
    $('#bell-count').hidden = unread.length === 0;
    $('#notification-list').replaceChildren(...(items.length ? items.map((n) => {
      const isUnread = unread.includes(n);
      return el('li', { class: isUnread ? 'unread' : '' },
        el('button', { type: 'button', onclick: () => markRead(n) },
          el('div', {}, el('strong', {}, n.title ?? 'Reminder')),
          n.message ? el('div', {}, n.message) : null,
          n.created_at ? el('div', { class: 'when' }, formatInstant(n.created_at)) : null));
    }) : [el('li', { class: 'muted' }, 'Nothing yet.')]));
  } catch (error) {
    if (error.status === 401) await handleFailure(error, '#list-error');
  }
}

async function markRead(notification) {
  const id = notification.notification_id ?? notification.id;
  await request('POST', `/api/notifications/${id}/read`).catch(() => {});
  loadNotifications();
}

function toggleBell(open = $('#notifications').hidden) {
  $('#notifications').hidden = !open;
  $('#bell').setAttribute('aria-expanded', String(open));
}

// ---- live updates ----
function startLive() {
  state.disconnect?.();
  const setLive = (liveState) => {
    $('#live').dataset.state = liveState;
    $('#live-text').textContent = liveState === 'live' ? 'Live' : 'Reconnecting…';
  };
  state.disconnect = connectLive({
    onState: setLive,
    onResync: () => { reloadTasks(); loadNotifications(); },
    onEnvelope: (envelope) => {
      if (envelope.event_type.startsWith('task.')) {
        reloadTasks();
        if (state.historyTask?.task_id === envelope.data?.task_id) loadHistory();
      } else {
        loadNotifications();
      }
    },
    onUnauthorized: async () => {
      try {
        await request('POST', '/api/updates/session');
        return true;
      } catch (error) {
        if (error.status === 401) { await signOut(); showAuth(); }
        return false;
      }
    },
  });
}

// ---- wiring ----
function wire() {
  $('#tab-sign-in').addEventListener('click', () => setAuthMode('sign-in'));
  $('#tab-sign-up').addEventListener('click', () => setAuthMode('sign-up'));
  $('#auth-form').addEventListener('submit', submitAuth);
  $('#sign-out').addEventListener('click', async () => { await signOut(); showAuth(); });

  const reload = debounce(() => loadTasks(), 250);
  for (const id of ['#search', '#filter-category', '#filter-tag']) $(id).addEventListener('input', reload);
  for (const id of ['#filter-status', '#filter-priority', '#filter-overdue', '#sort']) $(id).addEventListener('change', () => loadTasks());
  $('#more').addEventListener('click', () => loadTasks({ more: true }));

  $('#new-task').addEventListener('click', () => openEditor());
  quickAdd = setupQuickAdd({
    form: $('#quick-add'),
    input: $('#quick-add-text'),
    button: $('#quick-add-submit'),
    preview: $('#quick-add-preview'),
    openDraft: (draft, { onSaved }) => openEditor(null, { draft, onSaved }),
    // As the editor's save: the list reloads (and the live update of the new task reloads it again).
    onCreated: () => reloadTasks(),
    onUnauthorized: async () => { await signOut(); showAuth(); },
  });
  $('#editor-form').addEventListener('submit', saveEditor);
  $('#editor-cancel').addEventListener('click', () => $('#editor').close());
  $('#editor-form').recurrence_preset.addEventListener('change', (event) => {
    $('#rrule-label').hidden = event.target.value !== 'custom';
  });
  $('#zone-options').replaceChildren(...allZones.map((zone) => el('option', { value: zone })));

  $('#history-close').addEventListener('click', () => $('#history').close());
  $('#history').addEventListener('close', closeHistory);

  chat = setupChat({
    panel: $('#assistant'),
    opener: $('#assistant-open'),
    onUnauthorized: async () => { await signOut(); showAuth(); },
  });

  $('#bell').addEventListener('click', () => toggleBell());
  document.addEventListener('click', (event) => { if (!$('#bell-wrap').contains(event.target)) toggleBell(false); });
  document.addEventListener('keydown', (event) => {
    // A modal dialog (the editor, history) closes on Esc by itself; the assistant's panel is not modal.
    const modal = document.querySelector('dialog:modal');
    if (event.key === 'Escape' && !$('#notifications').hidden) { toggleBell(false); $('#bell').focus(); }
    else if (event.key === 'Escape' && chat.isOpen() && !modal) { event.preventDefault(); chat.close(); }
    const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
    if (!typing && plain && !$('#tasks-view').hidden && !modal) {
      if (event.key === 'n') { event.preventDefault(); openEditor(); }
      if (event.key === '/') { event.preventDefault(); $('#search').focus(); }
      if (event.key === 'a') { event.preventDefault(); chat.open(); }
    }
  });
}

wire();
if (session.get()?.token) showTasks();
else showAuth();
