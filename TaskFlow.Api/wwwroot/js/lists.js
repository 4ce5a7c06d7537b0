// The user's lists (GET /api/lists: their Inbox first, each with its members and the user's own role) in the sidebar,
// beside two views across them, "All tasks" and "Assigned to me"; the heading above the tasks for what is shown; and
// the dialog that creates or renames a list. Which view is shown lives in the address (#all, #assigned, #list/12), so
// a reload or the back button keeps it. Names and e-mails only ever become text nodes, never markup.
import { request } from './api.js';
import { avatarStack } from './avatars.js';
import { el } from './dom.js';

const DEFAULT_COLOUR = '#4f46e5';

// The Api checks colours; the page checks again before one goes into a style attribute.
export const colourOf = (list) => (/^#[0-9a-f]{6}$/i.test(list?.color ?? '') ? list.color : DEFAULT_COLOUR);

export const swatch = (list) => el('span', { class: 'swatch', style: `--swatch: ${colourOf(list)}`, 'aria-hidden': 'true' });

const ROLE_WORDS = { owner: 'Owner', editor: 'Can edit', viewer: 'View only' };
export const roleWords = (role) => ROLE_WORDS[role] ?? role;

function parseView(hash) {
  const match = /^#list\/(\d+)$/.exec(hash);
  if (match) return { kind: 'list', listId: Number(match[1]) };
  return { kind: hash === '#assigned' ? 'assigned' : 'all' };
}

const hashOf = (view) => (view.kind === 'list' ? `#list/${view.listId}` : `#${view.kind}`);

/**
 * Wires the sidebar (nav), the heading (head) and the list dialog. onViewChanged() runs when another view is shown;
 * onListsChanged() after the lists were loaded or changed here; onLost(list) for each list that disappeared without
 * this page knowing why (access lost while the stream was away); onShare(list) opens the share dialog; fail(error,
 * target) shows a failure in target (and signs out on a 401).
 */
export function setupLists({ nav, head, dialog, onViewChanged, onListsChanged, onLost, onShare, fail }) {
  let lists = [];
  let view = parseView(location.hash);
  // Every load and every local removal takes a new number; a load's answer applies only while its number is the
  // latest, so an answer read before a removal cannot bring the removed list back.
  let latest = 0;
  // The last name each list had, for a message about one that is already gone from the page.
  const names = new Map();
  // The list the dialog edits; null while it creates one.
  let editing = null;

  const byId = (listId) => lists.find((list) => list.list_id === listId) ?? null;
  const current = () => (view.kind === 'list' ? byId(view.listId) : null);
  const canEdit = (listId) => byId(listId)?.role !== 'viewer';

  /** A person from any of the lists' member rows ({user_id, email}); null when no list names them. */
  function person(userId) {
    for (const list of lists) {
      const member = list.members.find((m) => m.user_id === userId);
      if (member) return member;
    }
    return null;
  }

  async function load() {
    const ticket = ++latest;
    try {
      const answer = await request('GET', '/api/lists');
      if (ticket !== latest) return;
      const lost = lists.filter((list) => !answer.some((l) => l.list_id === list.list_id));
      lists = answer;
      for (const list of lists) names.set(list.list_id, list.name);
      nav.querySelector('#lists-error').textContent = '';
      for (const list of lost) onLost(list);
      if (view.kind === 'list' && !current()) show({ kind: 'all' }, { replace: true });
      render();
      onListsChanged();
    } catch (error) {
      if (ticket === latest) await fail(error, nav.querySelector('#lists-error'));
    }
  }

  /** Takes a list off the page at once (the user lost it, or it was deleted); a load already under way is ignored. */
  function forget(listId) {
    latest++;
    lists = lists.filter((list) => list.list_id !== listId);
    if (view.kind === 'list' && view.listId === listId) show({ kind: 'all' }, { replace: true });
    render();
  }

  /**
   * Puts a list as an answer of the Api has it (a role change, an accepted invitation) in place of the one shown, or
   * among the lists when the page does not have it yet (a load under way meanwhile no longer applies: it may predate it).
   */
  function put(list) {
    latest++;
    names.set(list.list_id, list.name);
    lists = byId(list.list_id)
      ? lists.map((l) => (l.list_id === list.list_id ? list : l))
      : [...lists, list].sort((a, b) => (b.is_inbox - a.is_inbox) || a.name.localeCompare(b.name));
    render();
    onListsChanged();
  }

  function show(next, { replace = false } = {}) {
    const hash = hashOf(next);
    if (location.hash !== hash) history[replace ? 'replaceState' : 'pushState'](null, '', hash);
    view = next;
    render();
    onViewChanged();
  }

  /** The address changed (a link in the sidebar, back or forward): show what it names, if the user has it. */
  function followAddress() {
    const next = parseView(location.hash);
    if (next.kind === 'list' && !byId(next.listId)) show({ kind: 'all' }, { replace: true });
    else show(next, { replace: true });
  }

  // ---- showing ----
  function navItem(target, label, ...extra) {
    const props = { class: 'nav-item', href: hashOf(target) };
    if (hashOf(target) === hashOf(view)) props['aria-current'] = 'page';
    return el('li', {}, el('a', props, ...extra.slice(0, 1), el('span', { class: 'nav-name' }, label), ...extra.slice(1)));
  }

  function render() {
    nav.querySelector('#view-nav').replaceChildren(
      navItem({ kind: 'all' }, 'All tasks', el('span', { class: 'nav-icon', 'aria-hidden': 'true' }, '☰')),
      navItem({ kind: 'assigned' }, 'Assigned to me', el('span', { class: 'nav-icon', 'aria-hidden': 'true' }, '@')));
    nav.querySelector('#list-nav').replaceChildren(...lists.map((list) => {
      const item = navItem({ kind: 'list', listId: list.list_id }, list.name,
        swatch(list),
        // Faces only for a shared list: on a list of one they would only repeat the user's own.
        list.members.length > 1 ? avatarStack(list.members) : null,
        list.role === 'viewer' ? viewOnlyMark() : null);
      item.dataset.listId = list.list_id;
      return item;
    }));
    renderHead();
  }

  // An eye: the user may see this list, not change it (the words are there for screen readers and tooltips).
  function viewOnlyMark() {
    const eye = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    eye.setAttribute('viewBox', '0 0 24 24');
    eye.setAttribute('width', '14');
    eye.setAttribute('height', '14');
    eye.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M12 5C6.5 5 2.7 9.3 1.5 12c1.2 2.7 5 7 10.5 7s9.3-4.3 10.5-7C21.3 9.3 17.5 5 12 5Zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9Zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z');
    eye.append(path);
    return el('span', { class: 'nav-note', title: 'View only: you can see this list, not change it' }, eye, el('span', { class: 'visually-hidden' }, 'view only'));
  }

  function renderHead() {
    const list = current();
    if (!list) {
      head.replaceChildren(el('h1', { id: 'view-title' }, view.kind === 'assigned' ? 'Assigned to me' : 'All tasks'),
        el('span', { class: 'muted head-note' }, view.kind === 'assigned' ? 'Tasks of every list assigned to you' : 'Tasks of every list you are in'));
      return;
    }
    const owner = list.role === 'owner';
    const button = (label, onclick, className = 'button ghost') => el('button', { class: className, type: 'button', onclick }, label);
    // replaceChildren, unlike el, would write a null as the text "null".
    head.replaceChildren(...[
      swatch(list),
      el('h1', { id: 'view-title' }, list.name),
      list.members.length > 1 ? avatarStack(list.members) : null,
      owner ? null : el('span', { class: `chip role ${list.role}` }, roleWords(list.role)),
      el('div', { class: 'head-actions' },
        // An Inbox is its user's alone: the Api refuses to share or delete it.
        list.is_inbox ? null : button(owner ? 'Share' : 'Members', () => onShare(list), owner ? 'button ghost share' : 'button ghost'),
        owner && !list.is_inbox ? button('Edit list', () => openDialog(list)) : null,
        owner && !list.is_inbox ? button('Delete list', () => remove(list), 'button ghost danger') : null),
      el('p', { class: 'error head-error', role: 'alert' }),
    ].filter(Boolean));
  }

  // ---- the dialog: a new list, or a new name and colour ----
  const form = dialog.querySelector('form');
  const formError = dialog.querySelector('.error');

  function openDialog(list = null) {
    editing = list;
    form.reset();
    formError.textContent = '';
    dialog.querySelector('h2').textContent = list ? `Edit “${list.name}”` : 'New list';
    dialog.querySelector('[type=submit]').textContent = list ? 'Save' : 'Create list';
    form.name.value = list?.name ?? '';
    form.color.value = colourOf(list);
    dialog.showModal();
    form.name.focus();
  }

  async function saveDialog(event) {
    event.preventDefault();
    const name = form.name.value.trim();
    if (!name) { formError.textContent = 'Give the list a name.'; form.name.focus(); return; }
    const save = dialog.querySelector('[type=submit]');
    save.disabled = true;
    try {
      const body = { name, color: form.color.value };
      const saved = editing
        ? await request('PATCH', `/api/lists/${editing.list_id}`, body)
        : await request('POST', '/api/lists', body);
      dialog.close();
      names.set(saved.list_id, saved.name);
      if (editing) { put(saved); return; }
      lists = [...lists, saved];
      show({ kind: 'list', listId: saved.list_id });
      await load();
    } catch (error) {
      await fail(error, formError);
    } finally {
      save.disabled = false;
    }
  }

  async function remove(list) {
    if (!confirm(`Delete “${list.name}” and all its tasks? Its members lose it too.`)) return;
    try {
      await request('DELETE', `/api/lists/${list.list_id}`);
      forget(list.list_id);
      onListsChanged();
    } catch (error) {
      await fail(error, head.querySelector('.head-error'));
    }
  }

  form.addEventListener('submit', saveDialog);
  dialog.querySelector('[value=cancel]').addEventListener('click', () => dialog.close());
  nav.querySelector('#new-list').addEventListener('click', () => openDialog());
  window.addEventListener('hashchange', followAddress);

  return {
    load,
    forget,
    put,
    show,
    byId,
    current,
    canEdit,
    person,
    all: () => lists,
    view: () => view,
    nameOf: (listId) => byId(listId)?.name ?? names.get(listId) ?? `list ${listId}`,
    inbox: () => lists.find((list) => list.is_inbox) ?? null,
    /** Lists whose tasks the user may change (owner or editor): where a task may be put. */
    editable: () => lists.filter((list) => list.role !== 'viewer'),
    reset() {
      latest++;
      lists = [];
      names.clear();
      view = parseView(location.hash);
      if (dialog.open) dialog.close();
      nav.querySelector('#lists-error').textContent = '';
      render();
    },
  };
}
