/** Small DOM helpers: find an element by id (failing loudly if the page lacks it), make one with text. */

/**
 * The element with this id.
 * @example
 * const table = byId<HTMLTableElement>('users-table');
 */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`The page has no #${id}.`);
  return element as T;
}

/**
 * A new element with text content (never HTML: values from Okta are shown as text).
 * @example
 * row.append(cell('td', user.login));
 */
export function cell<K extends keyof HTMLElementTagNameMap>(tag: K, text = ''): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}
