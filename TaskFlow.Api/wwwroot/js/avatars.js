// People as small round initials (the first letter of their e-mail), each in a colour of their own. The colour comes
// from the user id, so a person looks the same in every list, on every page and to every other member.
import { el } from './dom.js';

// Dark enough for white letters on every one of them.
const COLOURS = ['#4f46e5', '#0f766e', '#b45309', '#be123c', '#7c3aed', '#15803d', '#0369a1', '#a21caf'];

/** How many faces a row of members shows before the rest become "+N". */
export const MAX_FACES = 4;

export const initial = (email) => (email?.trim()?.[0] ?? '?').toUpperCase();

function colourOf(key) {
  let hash = 0;
  for (const char of key ?? '') hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}

/** One person's initial; title (the tooltip) says who, as the letter alone does not. */
export function avatar(person, title = person.email ?? 'Someone') {
  return el('span', { class: 'avatar', title, style: `--avatar: ${colourOf(person.user_id ?? person.email)}` }, initial(person.email));
}

/**
 * A list's members as overlapping faces: the first MAX_FACES, then "+N" for the rest. A screen reader hears the
 * names once, from the group's label, rather than a row of single letters.
 */
export function avatarStack(members) {
  const shown = members.slice(0, MAX_FACES);
  const rest = members.length - shown.length;
  const names = members.map((m) => m.email ?? 'someone').join(', ');
  return el('span', { class: 'avatars', role: 'img', 'aria-label': `Members: ${names}`, title: names },
    shown.map((member) => avatar(member, `${member.email ?? 'Someone'} (${member.role})`)),
    rest > 0 ? el('span', { class: 'avatar more-faces' }, `+${rest}`) : null);
}
