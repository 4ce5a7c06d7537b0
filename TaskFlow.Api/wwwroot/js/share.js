// The share dialog of a list. Its owner invites people by e-mail address as editors or viewers, changes a member's
// role, removes members, hands the list over, and sees and withdraws the invitations not yet answered; every other
// member sees who is in the list and may leave it. The members come from the lists the page already holds (kept
// fresh by the live updates), so the dialog follows changes made elsewhere while it is open.
import { request } from './api.js';
import { avatar } from './avatars.js';
import { el } from './dom.js';
import { roleWords } from './lists.js';

/**
 * Wires the dialog. lists is the page's lists (setupLists); me() the signed-in user ({user_id, email});
 * onChanged() reloads the lists after a change here; onLeft(list) runs once the user left a list; fail(error, target)
 * shows a failure (and signs out on a 401). Returns open(listId), refresh() and close().
 */
export function setupShare({ dialog, lists, me, onChanged, onLeft, fail }) {
  const $ = (selector) => dialog.querySelector(selector);
  const form = $('#invite-form');
  const error = $('#share-error');
  let listId = null;
  let invitations = [];
  // Each read of the invitations takes a new number; only the latest one's answer is shown.
  let latest = 0;

  const list = () => lists.byId(listId);

  function open(id) {
    listId = id;
    invitations = [];
    form.reset();
    error.textContent = '';
    render();
    dialog.showModal();
    if (list()?.role === 'owner') form.email.focus();
    else $('#share-close').focus();
    loadInvitations();
  }

  function close() {
    if (dialog.open) dialog.close();
  }

  // Only the owner may see invitations; for anyone else the Api would answer 403.
  async function loadInvitations() {
    const ticket = ++latest;
    if (list()?.role !== 'owner') { invitations = []; render(); return; }
    try {
      const answer = await request('GET', `/api/lists/${listId}/invitations`);
      if (ticket !== latest) return;
      invitations = answer;
      render();
    } catch (failure) {
      if (ticket === latest) await fail(failure, error);
    }
  }

  /** The lists changed (here or elsewhere): show the list as it now is; close when the user no longer has it. */
  function refresh() {
    if (!dialog.open) return;
    if (!list()) { close(); return; }
    render();
    loadInvitations();
  }

  // Runs an Api call for a button, showing the server's message when it is refused.
  async function act(button, call) {
    error.textContent = '';
    if (button) button.disabled = true;
    try {
      await call();
      return true;
    } catch (failure) {
      await fail(failure, error);
      render();
      return false;
    } finally {
      if (button) button.disabled = false;
    }
  }

  function memberRow(shown, member, owner) {
    const self = member.user_id === me()?.user_id;
    const who = member.email ?? 'Someone';
    const controls = [];
    if (owner && member.role !== 'owner') {
      const role = el('select', { 'aria-label': `Role of ${who}` },
        el('option', { value: 'editor' }, 'Can edit'), el('option', { value: 'viewer' }, 'View only'));
      role.value = member.role;
      role.addEventListener('change', () => act(role, async () => {
        lists.put(await request('PATCH', `/api/lists/${shown.list_id}/members/${encodeURIComponent(member.user_id)}`, { role: role.value }));
      }));
      const handOver = el('button', { class: 'button ghost', type: 'button', title: `Make ${who} the owner; you become an editor` }, 'Make owner');
      handOver.addEventListener('click', () => {
        if (!confirm(`Make ${who} the owner of “${shown.name}”? You become an editor.`)) return;
        act(handOver, async () => { lists.put(await request('POST', `/api/lists/${shown.list_id}/transfer`, { user_id: member.user_id })); });
      });
      const remove = el('button', { class: 'button ghost danger', type: 'button', 'aria-label': `Remove ${who}` }, 'Remove');
      remove.addEventListener('click', async () => {
        if (!confirm(`Remove ${who} from “${shown.name}”? They will no longer see it or its tasks.`)) return;
        if (await act(remove, () => request('DELETE', `/api/lists/${shown.list_id}/members/${encodeURIComponent(member.user_id)}`))) onChanged();
      });
      controls.push(role, handOver, remove);
    } else {
      controls.push(el('span', { class: `chip role ${member.role}` }, roleWords(member.role)));
    }
    return el('li', { class: 'member', dataset: { userId: member.user_id } },
      avatar(member),
      el('span', { class: 'member-name', title: who }, who, self ? el('span', { class: 'muted' }, ' (you)') : null),
      el('span', { class: 'member-controls' }, controls));
  }

  function invitationRow(shown, invitation) {
    const withdraw = el('button', { class: 'button ghost', type: 'button', 'aria-label': `Withdraw the invitation of ${invitation.email}` }, 'Withdraw');
    withdraw.addEventListener('click', async () => {
      if (await act(withdraw, () => request('DELETE', `/api/lists/${shown.list_id}/invitations/${invitation.invitation_id}`))) loadInvitations();
    });
    return el('li', { class: 'member pending', dataset: { invitationId: invitation.invitation_id } },
      avatar({ email: invitation.email }),
      el('span', { class: 'member-name', title: invitation.email }, invitation.email, el('span', { class: 'muted' }, ' (invited)')),
      el('span', { class: 'member-controls' }, el('span', { class: `chip role ${invitation.role}` }, roleWords(invitation.role)), withdraw));
  }

  function render() {
    const shown = list();
    if (!shown) return;
    const owner = shown.role === 'owner';
    $('#share-title').textContent = owner ? `Share “${shown.name}”` : `Members of “${shown.name}”`;
    form.hidden = !owner;
    $('#member-list').replaceChildren(...shown.members.map((member) => memberRow(shown, member, owner)));
    $('#pending').hidden = !owner || invitations.length === 0;
    $('#invitation-list').replaceChildren(...invitations.map((invitation) => invitationRow(shown, invitation)));
    // The owner cannot leave (the Api answers 409): they hand the list over or delete it.
    $('#leave-list').hidden = owner;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = form.email.value.trim();
    if (!email) { error.textContent = 'Give the e-mail address of the person to invite.'; form.email.focus(); return; }
    const invited = await act(form.querySelector('[type=submit]'), () =>
      request('POST', `/api/lists/${listId}/invitations`, { email, role: form.role.value }));
    if (invited) {
      form.email.value = '';
      form.email.focus();
      loadInvitations();
    }
  });

  $('#leave-list').addEventListener('click', async (event) => {
    const shown = list();
    const self = me();
    if (!shown || !self || !confirm(`Leave “${shown.name}”? You will no longer see it or its tasks.`)) return;
    if (await act(event.currentTarget, () => request('DELETE', `/api/lists/${shown.list_id}/members/${encodeURIComponent(self.user_id)}`))) {
      close();
      onLeft(shown);
    }
  });
  $('#share-close').addEventListener('click', close);
  dialog.addEventListener('close', () => { listId = null; latest++; });

  return { open, refresh, close, listId: () => (dialog.open ? listId : null) };
}
