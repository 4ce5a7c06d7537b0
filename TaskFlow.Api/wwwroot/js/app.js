import { ApiError, request, session, signIn, signOut, signUp } from './api.js';
import { avatar } from './avatars.js';
import { setupChat } from './chat.js';
import { el } from './dom.js';
import { dueText, formatInstant } from './format.js';
import { setupInvitations } from './invitations.js';
import { setupLists, swatch } from './lists.js';
import { connectLive } from './live.js';
import { describeDuration, setupQuickAdd } from './quickadd.js';
import { setupShare } from './share.js';
import { allZones, browserZone, instantToZoned, isZone, zonedToInstant } from './zones.js';

const $ = (selector) => document.querySelector(selector);
const state = {
  items: [], nextCursor: null, editing: null, editorSaved: null, historyTask: null, disconnect: null, notificationsApi: null,
  me: null, tasksTicket: 0,
};
let quickAdd = null;
let chat = null;
let lists = null;
let share = null;
let invitations = null;

// A target is an element or a selector of one.
function showError(target, error) {
  const node = typeof target === 'string' ? $(target) : target;
  node.textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
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
  state.me = null;
  state.items = [];
  state.tasksTicket++;
  quickAdd?.reset();
  chat?.reset();
  share?.close();
  lists?.reset();
  invitations?.reset();
  hideNotice();
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
  // The lists first: which one is shown, and what the user may do in it, decides what the task list asks for.
  await Promise.all([loadMe(), lists.load()]);
  await Promise.all([loadTasks(), loadLabels(), loadNotifications(), invitations.load()]);
}

async function loadMe() {
  try {
    state.me = await request('GET', '/api/me');
  } catch (error) {
    await handleFailure(error, '#list-error');
  }
}

async function handleFailure(error, target) {
  if (error.status === 401) { await signOut(); showAuth(); return; }
  showError(target, error);
}

// ---- what is shown: a list, or a view across lists ----
/** Whether the user may add tasks where they are looking (not in a list they only view). */
function canCreateHere() {
  const view = lists.view();
  return view.kind !== 'list' || lists.canEdit(view.listId);
}

/** The list a new task goes in: the one shown, if the user may add to it; else (a view across lists) their Inbox. */
function defaultListId() {
  const view = lists.view();
  if (view.kind === 'list' && lists.canEdit(view.listId)) return view.listId;
  return lists.inbox()?.list_id ?? null;
}

/** Fields a new task gets from where it is created: the list shown, or the user themselves in "Assigned to me". */
function creationFields() {
  const view = lists.view();
  if (view.kind === 'list') return { list_id: view.listId };
  if (view.kind === 'assigned' && state.me) return { assignee_id: state.me.user_id };
  return {};
}

const EMPTY_TEXT = {
  all: 'No tasks here yet. Type one in the box above, or use “New task”.',
  assigned: 'Nothing is assigned to you. Tasks you add here are assigned to you.',
  list: 'No tasks in this list yet. Type one in the box above, or use “New task”.',
  viewOnly: 'No tasks in this list yet.',
};

// The controls that fit what is shown: nothing to create with in a list the user only views.
function showViewControls() {
  const creating = canCreateHere();
  $('#quick-add').hidden = !creating;
  $('#new-task').hidden = !creating;
  const kind = lists.view().kind;
  $('#empty').textContent = EMPTY_TEXT[creating ? kind : 'viewOnly'];
}

function viewChanged() {
  // Back or forward while signed out changes nothing that is shown.
  if ($('#tasks-view').hidden) return;
  hideNotice({ unlessLoss: true });
  showViewControls();
  state.items = [];
  renderTasks();
  loadTasks();
}

// ---- messages about lists that went away ----
function showNotice(text, { loss = false } = {}) {
  $('#notice-text').textContent = text;
  $('#notice').dataset.loss = String(loss);
  $('#notice').hidden = false;
}

// Switching lists dismisses a message, but not the switch the page made itself away from a list the user lost: they
// would not see why. That message goes with the next switch (or its close button).
function hideNotice({ unlessLoss = false } = {}) {
  if (unlessLoss && $('#notice').dataset.loss === 'true') { $('#notice').dataset.loss = 'false'; return; }
  $('#notice').hidden = true;
  $('#notice-text').textContent = '';
}

/** Takes the tasks of a list that is no longer the user's off the page, with the dialogs open on it. */
function clearList(listId, message) {
  // A load under way may have read the list's tasks before it went: its answer is not shown.
  state.tasksTicket++;
  state.items = state.items.filter((task) => task.list_id !== listId);
  renderTasks();
  if (message) showNotice(message, { loss: true });
  if (share.listId() === listId) share.close();
  if (state.historyTask?.list_id === listId) $('#history').close();
  if ($('#editor').open && state.editing?.list_id === listId) $('#editor').close();
  reloadTasks();
}

/** The list is gone (the user lost it, left it, or it was deleted): its tasks, dialogs and view go with it. */
function dropList(listId, message) {
  clearList(listId, message?.(lists.nameOf(listId)));
  // Shows "All tasks" instead when the list was on view.
  lists.forget(listId);
  // A load of the lists under way was dropped by forget: read them again, now without this one.
  refreshLists();
}

const lostAccess = (name) => `You no longer have access to “${name}”.`;

// ---- the task list ----
function query(cursor) {
  const params = new URLSearchParams();
  const add = (name, value) => { if (value) params.append(name, value); };
  const view = lists.view();
  if (view.kind === 'list') add('list_id', String(view.listId));
  if (view.kind === 'assigned') add('assignee', 'me');
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
  // Only the answer to the latest request is shown: after a switch of lists, an earlier one would show the wrong tasks.
  const ticket = ++state.tasksTicket;
  const view = lists.view();
  try {
    const page = await request('GET', query(more ? state.nextCursor : null), undefined, { allow404: true });
    if (ticket !== state.tasksTicket) return;
    if (page === null) {
      // The list shown is no longer the user's (the news of it is on its way through the live updates).
      if (view.kind === 'list') dropList(view.listId, lostAccess);
      return;
    }
    state.items = more ? [...state.items, ...page.items] : page.items;
    state.nextCursor = page.next_cursor;
    $('#list-error').textContent = '';
    renderTasks();
  } catch (error) {
    if (ticket === state.tasksTicket) await handleFailure(error, '#list-error');
  }
}

// Every change (here or in another window) reloads the list, so filters and sort always hold.
const reloadTasks = debounce(() => { loadTasks(); loadLabels(); }, 120);
const refreshLists = debounce(() => lists.load(), 120);

/** Whether a change of a task (a task.* event's data) may change what is shown. */
function concernsView(data) {
  const view = lists.view();
  if (view.kind === 'all') return true;
  if (state.items.some((task) => task.task_id === data.task_id)) return true;
  if (view.kind === 'list') return (data.list_id ?? data.task?.list_id) === view.listId;
  return Boolean(state.me) && data.task?.assignee_id === state.me.user_id;
}

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

function assigneeBadge(task) {
  if (!task.assignee_id) return null;
  const person = lists.person(task.assignee_id)
    ?? (task.assignee_id === state.me?.user_id ? state.me : { user_id: task.assignee_id, email: null });
  const who = task.assignee_id === state.me?.user_id ? 'you' : person.email ?? 'a former member';
  return el('span', { class: 'assignee', dataset: { assigneeId: task.assignee_id } },
    avatar(person, `Assigned to ${who}`), el('span', { class: 'visually-hidden' }, `Assigned to ${who}`));
}

function renderTask(task) {
  const done = task.status === 'completed';
  // In a list the user only views, a task is shown without the controls that would change it (the Api answers 403).
  const editable = lists.canEdit(task.list_id);
  const toggle = el('input', { type: 'checkbox', 'aria-label': done ? `Reopen “${task.title}”` : `Complete “${task.title}”` });
  toggle.checked = done;
  if (editable) toggle.addEventListener('change', () => act(done ? 'reopen' : 'complete', task));
  else toggle.disabled = true;
  // Across lists, each task says which list it is in.
  const list = lists.view().kind === 'list' ? null : lists.byId(task.list_id);
  return el('li', { class: `task${done ? ' done' : ''}${editable ? '' : ' read-only'}`, dataset: { taskId: task.task_id, listId: task.list_id } },
    toggle,
    el('div', {},
      el('div', { class: 'title' }, task.title),
      task.description ? el('div', { class: 'description' }, task.description) : null,
      el('div', { class: 'meta' },
        list && lists.all().length > 1 ? el('span', { class: 'chip list-chip' }, swatch(list), list.name) : null,
        editable ? null : el('span', { class: 'chip' }, 'View only'),
        task.pinned ? el('span', { class: 'chip pinned' }, 'Pinned') : null,
        el('span', { class: `chip ${task.priority}` }, `${task.priority} priority`),
        task.status === 'in_progress' ? el('span', { class: 'chip' }, 'in progress') : null,
        task.category ? el('span', { class: 'chip' }, task.category) : null,
        dueText(task) ? el('span', { class: `chip${isOverdue(task) ? ' overdue' : ''}` }, isOverdue(task) ? `Overdue · ${dueText(task)}` : dueText(task)) : null,
        task.recurrence ? el('span', { class: 'chip' }, `↻ ${task.recurrence}`) : null,
        task.tags.map((tag) => el('span', { class: 'chip tag' }, `#${tag}`)))),
    el('div', { class: 'task-actions' },
      assigneeBadge(task),
      editable ? el('button', { class: 'button ghost', type: 'button', onclick: () => openEditor(task) }, 'Edit') : null,
      el('button', { class: 'button ghost', type: 'button', onclick: () => openHistory(task) }, 'History'),
      editable ? el('button', { class: 'button ghost danger', type: 'button', onclick: () => act('delete', task) }, 'Delete') : null));
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
  const listId = task?.list_id ?? defaultListId();
  fillListOptions(listId);
  const assignee = task ? task.assignee_id : draft?.assignee_id ?? creationFields().assignee_id;
  fillAssigneeOptions(listId, assignee ?? null);
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

function fillListOptions(listId) {
  const select = $('#editor-form').list_id;
  const choices = lists.editable();
  // The task's own list is offered even when the lists on the page do not say the user may edit it (not loaded yet).
  if (listId !== null && !choices.some((list) => list.list_id === listId)) choices.push({ list_id: listId, name: lists.nameOf(listId) });
  select.replaceChildren(...choices.map((list) => el('option', { value: String(list.list_id) }, list.name)));
  select.value = listId === null ? '' : String(listId);
  select.disabled = choices.length === 0;
}

/** The people a task of the list may be assigned to: its owner and editors (a viewer cannot be, the Api says). */
function fillAssigneeOptions(listId, assigneeId) {
  const select = $('#editor-form').assignee_id;
  const members = (lists.byId(listId)?.members ?? []).filter((m) => m.role !== 'viewer');
  select.replaceChildren(el('option', { value: '' }, 'Nobody'),
    ...members.map((m) => el('option', { value: m.user_id }, m.user_id === state.me?.user_id ? `${m.email} (me)` : m.email ?? 'Someone')));
  // Someone who cannot take tasks of this list (the task moves to a list they are not in) is nobody there.
  select.value = members.some((m) => m.user_id === assigneeId) ? assigneeId : '';
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
  // List and assignee go out only when they change: a move or an assignment someone else made meanwhile stays.
  const listId = form.list_id.value ? Number(form.list_id.value) : null;
  const assigneeId = form.assignee_id.value || null;
  const before = state.editing ?? { list_id: null, assignee_id: null };
  if (listId !== null && listId !== before.list_id) body.list_id = listId;
  if (assigneeId !== (before.assignee_id ?? null)) body.assignee_id = assigneeId;
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
        // Who made the change: in a shared list it may be anyone of its members.
        entry.actor ? [el('span', { class: 'actor' }, `by ${entry.actor}`), ' '] : null,
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
function listChanged(type, data) {
  const me = state.me?.user_id;
  if (type === 'list.invitation_created') { invitations.load(); return; }
  if (type === 'list.member_removed' && data.user_id === me) {
    dropList(data.list_id, data.actor_id === me ? (name) => `You left “${name}”.` : lostAccess);
    return;
  }
  if (type === 'list.deleted') {
    dropList(data.list_id, data.actor_id === me ? null : (name) => `“${name}” was deleted by its owner, with its tasks.`);
    return;
  }
  // Joined somewhere (perhaps by accepting in another window): that invitation is answered.
  if (type === 'list.member_joined' && data.user_id === me) invitations.load();
  // Renamed, recoloured, handed over, someone joined, left or got another role: the sidebar, the heading, the
  // share dialog and which tasks may be changed follow the lists as the Api has them now.
  refreshLists();
}

function startLive() {
  state.disconnect?.();
  const setLive = (liveState) => {
    $('#live').dataset.state = liveState;
    $('#live-text').textContent = liveState === 'live' ? 'Live' : 'Reconnecting…';
  };
  state.disconnect = connectLive({
    onState: setLive,
    onResync: () => { reloadTasks(); loadNotifications(); },
    // Lists and invitations are read again on every (re)connection: what changed while away is not all replayed.
    onReady: () => { refreshLists(); invitations.load(); },
    onEnvelope: (envelope) => {
      const data = envelope.data ?? {};
      if (envelope.event_type.startsWith('task.')) {
        if (concernsView(data)) reloadTasks();
        if (state.historyTask?.task_id === data.task_id) loadHistory();
      } else if (envelope.event_type.startsWith('list.')) {
        listChanged(envelope.event_type, data);
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

  lists = setupLists({
    nav: $('#sidebar'),
    head: $('#list-head'),
    dialog: $('#list-dialog'),
    onViewChanged: viewChanged,
    onListsChanged: () => { showViewControls(); renderTasks(); share.refresh(); },
    // Gone while the page was not told (the stream was away): as if it had been.
    onLost: (list) => clearList(list.list_id, lostAccess(list.name)),
    onShare: (list) => share.open(list.list_id),
    fail: handleFailure,
  });
  share = setupShare({
    dialog: $('#share'),
    lists,
    me: () => state.me,
    onChanged: () => lists.load(),
    onLeft: (list) => dropList(list.list_id, (name) => `You left “${name}”.`),
    fail: handleFailure,
  });
  invitations = setupInvitations({
    banner: $('#invitations'),
    // The list just joined is shown (the live update of joining it refreshes the lists too).
    // The answer is the list joined: shown at once, whatever loads of the lists the live updates set off meanwhile.
    onAccepted: (list) => { lists.put(list); lists.show({ kind: 'list', listId: list.list_id }); },
    fail: handleFailure,
  });
  $('#notice-close').addEventListener('click', () => hideNotice());

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
    fields: creationFields,
  });
  $('#editor-form').addEventListener('submit', saveEditor);
  $('#editor-form').list_id.addEventListener('change', (event) => {
    const form = $('#editor-form');
    fillAssigneeOptions(Number(event.target.value), form.assignee_id.value || null);
  });
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
      if (event.key === 'n' && canCreateHere()) { event.preventDefault(); openEditor(); }
      if (event.key === '/') { event.preventDefault(); $('#search').focus(); }
      if (event.key === 'a') { event.preventDefault(); chat.open(); }
    }
  });
}

wire();
if (session.get()?.token) showTasks();
else showAuth();
