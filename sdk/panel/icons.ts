import { html } from 'lit/html.js';

// Feather-style icons, drawn with strokes (see the `svg` rule).
export const svg = (d: string) => html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${d} /></svg>`;
export const I = {
  close: 'M6 6l12 12M18 6L6 18',
  // A headset: a person from the support team, not the visitor's account.
  person: 'M3 18v-6a9 9 0 0 1 18 0v6M21 19a2 2 0 0 1-2 2h-1a2 2 0 0 1-2-2v-3a2 2 0 0 1 2-2h3zM3 19a2 2 0 0 0 2 2h1a2 2 0 0 0 2-2v-3a2 2 0 0 0-2-2H3z',
  reset: 'M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5',
  send: 'M22 2L11 13M22 2l-7 20-4-9-9-4 20-7z',
  up: 'M7 22V11M2 13v7a2 2 0 0 0 2 2h13.4a2 2 0 0 0 2-1.7l1.4-9A2 2 0 0 0 18.8 9H14V5a3 3 0 0 0-3-3L7 11',
  down: 'M17 2v11M22 11V4a2 2 0 0 0-2-2H6.6a2 2 0 0 0-2 1.7l-1.4 9A2 2 0 0 0 5.2 15H10v4a3 3 0 0 0 3 3l4-9',
};
