/** The hand-off's styles (handoff.ts): a sheet after the panel's, adopted when the hand-off loads. */
export const handoffCss = `
.who{display:block;font-size:.85em;margin-bottom:4px}
.av{display:inline-grid;place-items:center;width:22px;height:22px;border-radius:50%;background:var(--_accent);color:var(--_on-accent);font-size:.75em;vertical-align:middle;margin-inline-end:6px}
.av::before{content:attr(data-i)}
.ticket{align-self:stretch;max-width:none;text-align:center;font-size:.88em;color:var(--_muted);padding-block:2px}
.ticket[data-phase=queued]{background:var(--_surface);color:var(--_fg);padding-block:10px}
.ticket small{display:block;color:var(--_muted)}
.ticket svg{width:16px;height:16px;vertical-align:-3px;margin-inline-end:6px}
.ticket:focus-visible{outline:2px solid var(--_accent)}
.mail{display:flex;gap:6px;margin-top:8px}
.mail input{flex:1;min-width:0;font:inherit;font-size:max(16px,1em);color:var(--_fg);background:var(--_bg);border:1px solid var(--_border);border-radius:8px;padding:6px 8px}
.mail button{border:0;border-radius:8px;padding:0 14px;background:var(--_accent);color:var(--_on-accent)}
.mail :disabled{opacity:.6}
.typing p{margin:0;padding:0 var(--_space) 6px;font-size:.85em;color:var(--_muted)}
.typing .dots{padding:0;vertical-align:middle;margin-inline-end:4px}
`;
