// The banner of invitations waiting for the signed-in user's e-mail address (GET /api/invitations): who invited them
// to which list with which role, to accept or decline. It is read on sign-in, when the live stream says a new one
// arrived (list.invitation_created names the inviter by user id only, so the banner reads the list again for their
// e-mail), and after each answer.
import { request } from './api.js';
import { el } from './dom.js';

/**
 * Wires the banner (a container with a list and an error line). onAccepted(list) runs with the list just joined;
 * fail(error, target) shows a failure (and signs out on a 401). Returns load() and reset().
 */
export function setupInvitations({ banner, onAccepted, fail }) {
  const items = banner.querySelector('.invitation-items');
  const error = banner.querySelector('.error');
  let latest = 0;

  function show(invitations) {
    items.replaceChildren(...invitations.map(item));
    banner.hidden = invitations.length === 0 && !error.textContent;
  }

  async function load() {
    const ticket = ++latest;
    try {
      const invitations = await request('GET', '/api/invitations');
      if (ticket === latest) show(invitations);
    } catch (failure) {
      if (ticket !== latest) return;
      banner.hidden = false;
      await fail(failure, error);
    }
  }

  async function answer(invitation, accepting, buttons) {
    for (const button of buttons) button.disabled = true;
    error.textContent = '';
    try {
      const list = await request('POST', `/api/invitations/${invitation.invitation_id}/${accepting ? 'accept' : 'decline'}`);
      if (accepting) onAccepted(list);
    } catch (failure) {
      // Answered in another window, or withdrawn meanwhile: the message says so, and the banner shows what is left.
      banner.hidden = false;
      await fail(failure, error);
    } finally {
      for (const button of buttons) button.disabled = false;
      load();
    }
  }

  function item(invitation) {
    const accept = el('button', { class: 'button primary', type: 'button' }, 'Accept');
    const decline = el('button', { class: 'button ghost', type: 'button' }, 'Decline');
    accept.addEventListener('click', () => answer(invitation, true, [accept, decline]));
    decline.addEventListener('click', () => answer(invitation, false, [accept, decline]));
    return el('li', { class: 'invitation', dataset: { invitationId: invitation.invitation_id } },
      el('span', { class: 'invitation-icon', 'aria-hidden': 'true' }, '✉'),
      el('p', {},
        el('strong', {}, invitation.invited_by ?? 'Someone'), ' invited you to ',
        el('strong', {}, invitation.list_name), ` as ${invitation.role}`),
      el('span', { class: 'invitation-actions' }, accept, decline));
  }

  return {
    load,
    reset() {
      latest++;
      error.textContent = '';
      show([]);
    },
  };
}
