// Moving focus with a scroll that works in the embed too. On the full page the browser scrolls;
// in the embed the iframe is as tall as its content, so it cannot scroll itself, and a browser
// may refuse to pass a scroll from a cross-origin iframe up to the council's page. So the scroll
// is asked for with a `pf:reveal` event (cancelable): embed-frame.js takes it and asks the host
// page to scroll (the 'scrollTo' message); where nothing takes it, the browser scrolls.

/**
 * Moves focus to `element` and scrolls `scrollTo` (the element itself, or the question a field
 * belongs to) to the top ('start') or the middle ('center') of the window.
 * @param {HTMLElement} element focusable (a control, or an element with tabindex="-1")
 * @param {'start' | 'center'} block
 * @param {HTMLElement} [scrollTo]
 */
export function reveal(element, block, scrollTo = element) {
  element.focus({ preventScroll: true });
  scrollIntoViewAnywhere(scrollTo, block);
}

/**
 * Scrolls `element` into view without moving focus: in the embed the host page is asked to
 * scroll; elsewhere the browser scrolls.
 * @param {HTMLElement} element
 * @param {'start' | 'center'} block
 */
export function scrollIntoViewAnywhere(element, block) {
  const event = new CustomEvent('pf:reveal', { bubbles: true, cancelable: true, detail: { block } });
  if (element.dispatchEvent(event)) element.scrollIntoView({ block });
}
