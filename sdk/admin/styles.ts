/** The admin page's layout; colours and controls come from the inbox's theme (../inbox/styles.ts). */
import { css } from 'lit';

export const appCss = css`
  :host { display: block; position: fixed; inset: 0; overflow: auto; background: var(--inbox-bg); }
  .shell { display: grid; grid-template-rows: auto 1fr; min-height: 100%; }
  header.top {
    display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 8px 16px; min-height: 52px;
    background: var(--inbox-surface); border-bottom: 1px solid var(--inbox-border);
  }
  .brand { font-weight: 700; font-size: 15px; margin: 0; display: flex; align-items: center; gap: 8px; }
  .brand::before { content: ''; width: 10px; height: 10px; border-radius: 3px; background: var(--inbox-accent); }
  .pick { display: flex; align-items: center; gap: 6px; color: var(--inbox-muted); }
  select { min-height: 34px; border-radius: 8px; border: 1px solid var(--inbox-border); background: var(--inbox-surface); padding: 0 8px; font: inherit; }
  .range { display: flex; gap: 4px; }
  .range .btn[aria-pressed='true'] { background: var(--inbox-accent-soft); color: var(--inbox-accent); border-color: var(--inbox-accent); }
  .spacer { flex: 1; }
  main { padding: 16px; display: grid; gap: 16px; align-content: start; max-width: 1200px; width: 100%; margin: 0 auto; }
  .period { margin: 0; color: var(--inbox-muted); }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; }
  .tile { display: grid; gap: 2px; padding: 12px 14px; border-radius: var(--inbox-radius); background: var(--inbox-surface); border: 1px solid var(--inbox-border); }
  .tile .label, .tile .detail { color: var(--inbox-muted); font-size: 12.5px; }
  .tile strong { font-size: 22px; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 12px; }
  .unanswered { padding: 14px 16px; border-radius: var(--inbox-radius); background: var(--inbox-surface); border: 1px solid var(--inbox-border); }
  h2 { margin: 0 0 8px; font-size: 16px; }
  ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
  li { display: flex; gap: 12px; align-items: baseline; }
  .count { font-weight: 700; min-width: 3ch; text-align: end; color: var(--inbox-danger); }
  li p { margin: 2px 0 0; color: var(--inbox-muted); font-size: 12.5px; }
  .hint, .empty { color: var(--inbox-muted); margin: 12px 0 0; }
  .center { text-align: center; color: var(--inbox-muted); }
  .sign-in {
    width: min(420px, calc(100% - 32px)); margin: 12vh auto 0; display: grid; gap: 14px; padding: 28px; border-radius: 14px;
    background: var(--inbox-surface); border: 1px solid var(--inbox-border); box-shadow: 0 8px 30px rgb(20 30 50 / .06);
  }
  .sign-in h1 { margin: 0; font-size: 20px; }
  .sign-in .lead { margin: -8px 0 4px; color: var(--inbox-muted); }
  .sign-in label { display: grid; gap: 4px; font-weight: 500; }
  .sign-in input { min-height: 40px; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--inbox-border); font-size: max(16px, 1em); }
`;
