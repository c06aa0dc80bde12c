/**
 * On a phone the panel covers the whole page, so there it is a modal dialog (the WAI-ARIA
 * dialog pattern): `aria-modal`, and Tab / Shift+Tab cycle inside it instead of walking into the
 * page hidden behind. Floating beside a page that stays usable (wider screens) it is not modal.
 * Escape closing it and focus going back to the launcher are the element's (support-chat.ts).
 */
const FOCUSABLE = 'a[href],button:not(:disabled),textarea:not(:disabled),input:not(:disabled),[tabindex]:not([tabindex="-1"])';

export function trapFocus(el: HTMLElement, root: ShadowRoot, modal: () => boolean): void {
  el.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab' || !modal()) return;
    const stops = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((x) => x.getClientRects().length > 0);
    if (!stops.length) return;
    const [first, last] = [stops[0], stops[stops.length - 1]];
    const at = root.activeElement;
    if (e.shiftKey ? at === first : at === last) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  });
}
