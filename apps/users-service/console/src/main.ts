/**
 * The operator console: asks for an API key (kept in session storage), then shows the users view or the token
 * client panel. Everything it shows comes from the service's own JSON API.
 */
import { ApiError, api, describeError, forgetKey, storeKey, storedKey } from './api.js';
import { byId } from './dom.js';
import { mountStatusView, type Status } from './status-view.js';
import { mountUsersView } from './users-view.js';

const users = mountUsersView();
const status = mountStatusView();

function show(view: 'users' | 'status'): void {
  byId('users-view').hidden = view !== 'users';
  byId('status-view').hidden = view !== 'status';
  byId('nav-users').setAttribute('aria-pressed', String(view === 'users'));
  byId('nav-status').setAttribute('aria-pressed', String(view === 'status'));
  if (view === 'status') status.start();
  else status.stop();
  if (location.hash !== `#${view}`) history.replaceState(null, '', `#${view}`);
}

function gate(message = ''): void {
  status.stop();
  for (const id of ['users-view', 'status-view', 'nav', 'forget-key']) byId(id).hidden = true;
  byId('who').textContent = '';
  byId('key-gate').hidden = false;
  byId('key-error').textContent = message;
  byId<HTMLInputElement>('api-key').focus();
}

async function open(key: string): Promise<void> {
  let who: Status;
  try {
    who = await api<Status>('GET', '/status', undefined, key);
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 401) {
      gate('This key is not accepted by the service.');
      return;
    }
    gate(describeError(e).message);
    return;
  }
  storeKey(key);
  const canWrite = who.caller.scope === 'users:write';
  users.setCanWrite(canWrite);
  byId('key-gate').hidden = true;
  byId('nav').hidden = false;
  byId('forget-key').hidden = false;
  byId('who').textContent = `${who.caller.name} (${canWrite ? 'read and rename' : 'read only'})`;
  show(location.hash === '#status' ? 'status' : 'users');
  await users.reload();
}

byId<HTMLFormElement>('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('api-key');
  const key = input.value.trim();
  input.value = '';
  void open(key);
});
byId('forget-key').addEventListener('click', () => {
  forgetKey();
  gate();
});
byId('nav-users').addEventListener('click', () => show('users'));
byId('nav-status').addEventListener('click', () => show('status'));

const key = storedKey();
if (key === null) gate();
else void open(key);
