// Tiny DOM helpers. Every piece of data becomes a text node: nothing here ever parses HTML,
// so a setting called `<img src=x onerror=alert(1)>` shows as those characters.

/**
 * @typedef {Node | string | number | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined>} Attrs
 */

/**
 * Creates an element with attributes and children. `class` sets the class name; `true` sets an
 * empty attribute; null, undefined and false are skipped. Event-handler attributes are refused.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`h(): event handler attributes are not allowed (${name})`);
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

/**
 * Appends children as nodes; strings and numbers become text nodes.
 * @param {Element | DocumentFragment} parent
 * @param {...Child} children
 */
export function append(parent, ...children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

/**
 * The element with this id, or an error naming it (the page and the scripts disagree).
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no element #${id}`);
  return /** @type {T} */ (el);
}

/**
 * Removes every child.
 * @param {Element} el
 */
export function clear(el) {
  el.replaceChildren();
}

/**
 * Text hidden on screen but read by screen readers.
 * @param {string} text
 */
export function hiddenText(text) {
  return h('span', { class: 'pf-visually-hidden' }, text);
}

/**
 * First letter upper case: "autism" → "Autism".
 * @param {string} text
 */
export function sentence(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
