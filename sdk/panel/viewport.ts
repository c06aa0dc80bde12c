/**
 * On a phone the panel fills the screen; when the on-screen keyboard opens, the visual viewport
 * shrinks and the input would hide behind it. This keeps the panel's height and top in step
 * (CSS properties set through the CSSOM, which a strict CSP allows).
 */
export function followViewport(el: HTMLElement): () => void {
  const vv = window.visualViewport;
  if (!vv) return () => {};
  const sync = () => {
    el.style.setProperty('--_vv-height', `${vv.height}px`);
    el.style.setProperty('--_vv-top', `${vv.offsetTop}px`);
  };
  sync();
  vv.addEventListener('resize', sync);
  vv.addEventListener('scroll', sync);
  return () => {
    vv.removeEventListener('resize', sync);
    vv.removeEventListener('scroll', sync);
    el.style.removeProperty('--_vv-height');
    el.style.removeProperty('--_vv-top');
  };
}
