// The one-line quick add: as the user types, the Api reads the line (POST /api/tasks/parse) and the preview shows the
// task it would save and which words set which field; Enter (or Add) creates it from the same line. The user's text
// only ever becomes text nodes, never markup.
import { request } from './api.js';
import { el } from './dom.js';
import { dueText } from './format.js';
import { browserZone } from './zones.js';

const PARSE_DELAY_MS = 250;

const FIELD_NAMES = {
  due: 'Due', recurrence: 'Repeats', priority: 'Priority', tags: 'Tag', category: 'Category', reminder: 'Reminder',
};

// ---- the fields in words ----
const list = (words) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`);

/** An ISO 8601 duration (PT30M, P1D) in words ("30 minutes"); null when it is not a simple one. */
export function describeDuration(duration) {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration ?? '');
  if (!match || duration === 'P' || duration.endsWith('T')) return null;
  const [, days, hours, minutes, seconds] = match;
  const words = [[days, 'day'], [hours, 'hour'], [minutes, 'minute'], [seconds, 'second']]
    .filter(([n]) => n !== undefined && Number(n) > 0)
    .map(([n, unit]) => (Number(n) % 7 === 0 && unit === 'day' ? `${Number(n) / 7} week` : `${Number(n)} ${unit}`))
    .map((text) => (text.startsWith('1 ') ? text : `${text}s`));
  return words.length ? list(words) : null;
}

function chips(task, recurrenceWords) {
  const chip = (field, className, text) => el('span', { class: `chip${className ? ` ${className}` : ''}`, dataset: { field } }, text);
  const due = dueText(task);
  return [
    due ? chip('due', '', due) : null,
    task.recurrence ? chip('recurrence', '', `↻ ${recurrenceWords ?? task.recurrence}`) : null,
    task.priority ? chip('priority', task.priority, `${task.priority} priority`) : null,
    ...(task.tags ?? []).map((tag) => chip('tags', 'tag', `#${tag}`)),
    task.category ? chip('category', '', `@${task.category}`) : null,
    task.remind_before ? chip('reminder', '', `Remind ${describeDuration(task.remind_before) ?? task.remind_before} before`) : null,
  ].filter(Boolean);
}

/** The line as typed, with each understood run of words in a <mark data-field>. */
function markedText(text, understood) {
  const pieces = [];
  let at = 0;
  for (const span of [...understood].sort((a, b) => a.start - b.start)) {
    const end = span.start + span.length;
    if (span.start < at || end > text.length || span.length <= 0) continue;
    if (span.start > at) pieces.push(text.slice(at, span.start));
    pieces.push(el('mark', { dataset: { field: span.field }, title: FIELD_NAMES[span.field] ?? span.field }, text.slice(span.start, end)));
    at = end;
  }
  if (at < text.length) pieces.push(text.slice(at));
  return pieces;
}

const firstMessage = (error) => String(error?.message ?? error).split('\n')[0];

/**
 * Wires the quick-add form. openDraft(task) opens the full editor on a parsed task body; onCreated() runs after a
 * task was created; onUnauthorized() when the session is gone; fields() gives the task fields the line is saved with
 * besides what it says (the list shown, so the task lands where the user is looking). Returns { reset } to empty the
 * box and preview.
 */
export function setupQuickAdd({ form, input, button, preview, openDraft, onCreated, onUnauthorized, fields = () => ({}) }) {
  // Every keystroke and every save takes a new number; an answer renders only while its number is still the latest.
  let latest = 0;
  let timer;
  let saving = false;

  // No locale: the browser's Accept-Language says how the user writes dates, in a form the Api knows.
  const body = (text) => ({ text, time_zone: browserZone });

  function clear() {
    clearTimeout(timer);
    latest++;
    preview.replaceChildren();
  }

  function showMessage(message) {
    preview.replaceChildren(el('p', { class: 'error' }, message));
  }

  function showPreview(text, { task, understood, recurrence_words: recurrenceWords }) {
    const edit = el('button', { class: 'button link', type: 'button' }, 'Edit details…');
    edit.addEventListener('click', () => openDraft(task, { onSaved: () => { if (input.value === text) { input.value = ''; clear(); } } }));
    preview.replaceChildren(
      el('div', { class: 'quick-summary' },
        el('span', { class: 'muted' }, 'Saves'),
        el('span', { class: 'quick-title', dataset: { field: 'title' } }, task.title),
        ...chips(task, recurrenceWords),
        edit),
      el('p', { class: 'quick-text', 'aria-label': 'What was understood' }, ...markedText(text, understood ?? [])));
  }

  async function parse(text) {
    const ticket = ++latest;
    try {
      const answer = await request('POST', '/api/tasks/parse', body(text));
      if (ticket === latest) showPreview(text, answer);
    } catch (error) {
      if (ticket !== latest) return;
      if (error.status === 401) await onUnauthorized();
      else showMessage(firstMessage(error));
    }
  }

  input.addEventListener('input', () => {
    clear();
    const text = input.value;
    if (text.trim()) timer = setTimeout(() => parse(text), PARSE_DELAY_MS);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim() || saving) return;
    saving = true;
    button.disabled = true;
    clearTimeout(timer);
    const ticket = ++latest;
    try {
      await request('POST', '/api/tasks', { ...body(text), ...fields() });
      // What was typed while saving is a new line: it stays, and gets its own preview.
      if (input.value === text) {
        input.value = '';
        clear();
      }
      onCreated();
    } catch (error) {
      if (error.status === 401) await onUnauthorized();
      else if (ticket === latest) showMessage(firstMessage(error));
    } finally {
      saving = false;
      button.disabled = false;
    }
  });

  return {
    reset() {
      input.value = '';
      clear();
    },
  };
}
