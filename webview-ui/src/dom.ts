/** Tiny DOM helpers: elements built with textContent only, never HTML strings (names come from user code). */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string; attrs?: Record<string, string> } = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.title) element.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A table with a header row; cells are strings or nodes. */
export function table(caption: string, headers: string[], rows: Array<Array<string | Node>>, numericFrom = 1): HTMLTableElement {
  const t = el('table', { className: 'data-table' });
  t.append(el('caption', { text: caption }));
  const head = el('tr');
  headers.forEach((h, i) =>
    head.append(el('th', { text: h, className: i >= numericFrom ? 'num' : '', attrs: { scope: 'col' } })),
  );
  t.append(el('thead', {}, head));
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    row.forEach((cell, i) => tr.append(el('td', { className: i >= numericFrom ? 'num' : '' }, cell)));
    body.append(tr);
  }
  t.append(body);
  return t;
}
