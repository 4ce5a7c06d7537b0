// Dates and times as the page shows them, in the browser's language.
import { browserZone, isZone } from './zones.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export const formatInstant = (iso) => dateTime.format(new Date(iso));

/** When a task is due, in its own zone (named when it is not the browser's); null when it is not due. */
export function dueText(task) {
  if (task.due_at) {
    const zone = isZone(task.time_zone) ? task.time_zone : 'UTC';
    const shown = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(task.due_at));
    return zone === browserZone ? `Due ${shown}` : `Due ${shown} (${zone})`;
  }
  return task.due_date ? `Due ${dateOnly.format(new Date(`${task.due_date}T00:00:00Z`))}` : null;
}
