/**
 * The users view: a page of users from `GET /users` with Okta search and cursor paging (a stack of the cursors
 * seen, so Previous goes back exactly), and a rename form that checks names as the API does and shows the
 * API's error and hint when the service or Okta refuses.
 */
import { api, describeError } from './api.js';
import { byId, cell } from './dom.js';
import { checkNames } from './validate.js';

interface User {
  id: string;
  login: string;
  status: string;
  firstName: string | null;
  lastName: string | null;
  lastUpdated?: string;
}

interface Page {
  users: User[];
  next: string | null;
}

const PAGE_SIZE = 20;

/** A mounted users view. */
export interface UsersView {
  /** Load the first page with the current search. */
  reload(): Promise<void>;
  /** Whether the caller may rename. */
  setCanWrite(canWrite: boolean): void;
}

/**
 * Wire the users view.
 * @example
 * const view = mountUsersView();
 * await view.reload();
 */
export function mountUsersView(): UsersView {
  const tbody = byId<HTMLTableElement>('users-table').tBodies[0] as HTMLTableSectionElement;
  const search = byId<HTMLInputElement>('search');
  const error = byId('users-error');
  const prev = byId<HTMLButtonElement>('prev-page');
  const next = byId<HTMLButtonElement>('next-page');
  const label = byId('page-label');
  const form = byId<HTMLFormElement>('rename-form');
  const first = byId<HTMLInputElement>('first-name');
  const last = byId<HTMLInputElement>('last-name');
  const renameError = byId('rename-error');
  const renameHint = byId('rename-hint');
  const done = byId('rename-done');
  let canWrite = false;
  // cursors[i] is the `after` of page i (undefined for the first page).
  let cursors: (string | undefined)[] = [undefined];
  let index = 0;
  let nextCursor: string | null = null;
  let editing: User | undefined;

  const load = async (): Promise<void> => {
    error.textContent = '';
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    const after = cursors[index];
    if (after !== undefined) params.set('after', after);
    if (search.value.trim() !== '') params.set('search', search.value.trim());
    try {
      const page = await api<Page>('GET', `/users?${params.toString()}`);
      render(page.users);
      nextCursor = page.next;
    } catch (e) {
      const { message, hint } = describeError(e);
      error.textContent = hint === '' ? message : `${message} — ${hint}`;
      render([]);
      nextCursor = null;
    }
    prev.disabled = index === 0;
    next.disabled = nextCursor === null;
    label.textContent = `Page ${index + 1}`;
  };

  const render = (users: User[]): void => {
    tbody.replaceChildren(
      ...users.map((user) => {
        const row = document.createElement('tr');
        row.dataset['id'] = user.id;
        const action = cell('td');
        const button = cell('button', 'Rename');
        button.type = 'button';
        button.className = 'rename';
        button.disabled = !canWrite;
        button.title = canWrite ? `Rename ${user.login}` : 'This key may only read (users:read).';
        button.addEventListener('click', () => openRename(user));
        action.append(button);
        row.append(
          cell('td', user.login),
          cell('td', user.firstName ?? ''),
          cell('td', user.lastName ?? ''),
          cell('td', user.status),
          cell('td', user.lastUpdated === undefined ? '' : new Date(user.lastUpdated).toLocaleString()),
          action,
        );
        return row;
      }),
    );
  };

  const openRename = (user: User): void => {
    editing = user;
    byId('rename-login').textContent = user.login;
    first.value = user.firstName ?? '';
    last.value = user.lastName ?? '';
    renameError.textContent = '';
    renameHint.textContent = '';
    done.textContent = '';
    form.hidden = false;
    first.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (editing === undefined) return;
    const names = { firstName: first.value, lastName: last.value };
    const problem = checkNames(names);
    renameHint.textContent = '';
    renameError.textContent = '';
    if (problem !== undefined) {
      renameError.textContent = problem;
      return;
    }
    const user = editing;
    void api<User>('PUT', `/users/${encodeURIComponent(user.id)}/name`, names).then(
      async (updated) => {
        form.hidden = true;
        done.textContent = `Renamed ${updated.login} to ${updated.firstName ?? ''} ${updated.lastName ?? ''}.`;
        await load();
      },
      (e: unknown) => {
        const { message, hint } = describeError(e);
        renameError.textContent = message;
        renameHint.textContent = hint;
      },
    );
  });
  byId('rename-cancel').addEventListener('click', () => {
    form.hidden = true;
  });
  byId<HTMLFormElement>('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    cursors = [undefined];
    index = 0;
    void load();
  });
  byId('clear-search').addEventListener('click', () => {
    search.value = '';
    cursors = [undefined];
    index = 0;
    void load();
  });
  for (const example of document.querySelectorAll<HTMLButtonElement>('button.example')) {
    example.addEventListener('click', () => {
      search.value = example.dataset['search'] ?? '';
      cursors = [undefined];
      index = 0;
      void load();
    });
  }
  next.addEventListener('click', () => {
    if (nextCursor === null) return;
    cursors = [...cursors.slice(0, index + 1), nextCursor];
    index++;
    void load();
  });
  prev.addEventListener('click', () => {
    if (index === 0) return;
    index--;
    void load();
  });

  return {
    reload: () => {
      cursors = [undefined];
      index = 0;
      return load();
    },
    setCanWrite: (value) => {
      canWrite = value;
    },
  };
}
