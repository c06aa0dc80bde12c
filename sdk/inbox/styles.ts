/**
 * The inbox's look: a light theme from CSS custom properties on `<support-inbox>` (set them on
 * the element to re-brand), shared by its parts. Each part's shadow root adopts `base` and its own.
 */
import { css } from 'lit';

export const theme = css`
  :host {
    --inbox-bg: #f5f6f8;
    --inbox-surface: #fff;
    --inbox-raised: #f0f2f5;
    --inbox-border: #dfe3e8;
    --inbox-fg: #1c2330;
    --inbox-muted: #5b6676;
    --inbox-accent: #2957d9;
    --inbox-accent-soft: #e9effd;
    --inbox-on-accent: #fff;
    --inbox-danger: #b42318;
    --inbox-danger-soft: #fdecea;
    --inbox-warn: #8a4b00;
    --inbox-warn-soft: #fff4e0;
    --inbox-ok: #146c43;
    --inbox-ok-soft: #e6f4ec;
    --inbox-radius: 10px;
    --inbox-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
`;

export const base = css`
  :host {
    font-family: var(--inbox-font);
    color: var(--inbox-fg);
    font-size: 14px;
    line-height: 1.45;
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  button, input, textarea { font: inherit; color: inherit; }
  button { cursor: pointer; }
  .btn {
    display: inline-flex; align-items: center; justify-content: center; gap: 6px;
    min-height: 34px; padding: 0 12px; border-radius: 8px; white-space: nowrap;
    border: 1px solid var(--inbox-border); background: var(--inbox-surface); font-weight: 500;
  }
  .btn:hover:not(:disabled) { background: var(--inbox-raised); }
  .btn.primary { background: var(--inbox-accent); border-color: var(--inbox-accent); color: var(--inbox-on-accent); }
  .btn.primary:hover:not(:disabled) { filter: brightness(1.08); background: var(--inbox-accent); }
  .btn.danger { color: var(--inbox-danger); }
  .btn.danger.primary { background: var(--inbox-danger); border-color: var(--inbox-danger); color: #fff; }
  .btn:disabled { opacity: .55; cursor: default; }
  .link { all: unset; cursor: pointer; color: var(--inbox-accent); text-decoration: underline; font-weight: 500; }
  :focus-visible { outline: 2px solid var(--inbox-accent); outline-offset: 2px; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  .badge {
    display: inline-block; padding: 0 7px; border-radius: 999px; font-size: 11.5px; font-weight: 600;
    line-height: 19px; background: var(--inbox-raised); color: var(--inbox-muted); white-space: nowrap;
  }
  .badge.high { background: var(--inbox-warn-soft); color: var(--inbox-warn); }
  .badge.mine { background: var(--inbox-accent-soft); color: var(--inbox-accent); }
  .badge.open { background: var(--inbox-ok-soft); color: var(--inbox-ok); }
  .alert { margin: 0; padding: 8px 12px; border-radius: 8px; background: var(--inbox-danger-soft); color: var(--inbox-danger); }
  .alert:empty { display: none; }
  .notice { margin: 0; padding: 8px 12px; border-radius: 8px; background: var(--inbox-warn-soft); color: var(--inbox-warn); }
`;

export const appCss = css`
  :host { display: block; position: fixed; inset: 0; background: var(--inbox-bg); }
  .shell { display: grid; grid-template-rows: auto 1fr; height: 100%; }
  header.top {
    display: flex; align-items: center; gap: 12px; padding: 0 16px; height: 52px;
    background: var(--inbox-surface); border-bottom: 1px solid var(--inbox-border);
  }
  .brand { font-weight: 700; font-size: 15px; margin: 0; display: flex; align-items: center; gap: 8px; }
  .brand::before { content: ''; width: 10px; height: 10px; border-radius: 3px; background: var(--inbox-accent); }
  .site { color: var(--inbox-muted); font-size: 13px; }
  .spacer { flex: 1; }
  .who { display: flex; align-items: center; gap: 8px; min-width: 0; }
  .who span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .avatar {
    display: grid; place-items: center; width: 28px; height: 28px; border-radius: 50%; flex: none;
    background: var(--inbox-accent-soft); color: var(--inbox-accent); font-weight: 700; font-size: 12px;
  }
  .body { display: grid; grid-template-columns: minmax(300px, 360px) 1fr; min-height: 0; }
  inbox-queue { border-right: 1px solid var(--inbox-border); background: var(--inbox-surface); min-height: 0; }
  main { min-width: 0; min-height: 0; display: flex; }
  main > * { flex: 1; min-width: 0; }
  .empty { display: grid; place-items: center; color: var(--inbox-muted); text-align: center; padding: 24px; }
  .center { display: grid; place-items: center; height: 100%; color: var(--inbox-muted); }
  @media (max-width: 760px) {
    .site, .who span { display: none; }
    .body { grid-template-columns: 1fr; }
    .body.reading inbox-queue { display: none; }
    .body:not(.reading) main { display: none; }
    inbox-queue { border-right: 0; }
  }
`;

export const signInCss = css`
  :host { display: grid; place-items: center; min-height: 100%; padding: 16px; }
  form {
    width: min(380px, 100%); display: grid; gap: 14px; padding: 28px; border-radius: 14px;
    background: var(--inbox-surface); border: 1px solid var(--inbox-border); box-shadow: 0 8px 30px rgb(20 30 50 / .06);
  }
  h1 { margin: 0; font-size: 20px; }
  p.lead { margin: -8px 0 4px; color: var(--inbox-muted); }
  label { display: grid; gap: 4px; font-weight: 500; }
  input {
    min-height: 40px; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--inbox-border);
    background: var(--inbox-surface); font-size: max(16px, 1em);
  }
  input:focus { outline: 2px solid var(--inbox-accent); outline-offset: -1px; }
  .btn { min-height: 40px; }
`;

export const queueCss = css`
  :host { display: flex; flex-direction: column; min-height: 0; }
  [role='tablist'] { display: flex; gap: 4px; padding: 10px 12px; border-bottom: 1px solid var(--inbox-border); }
  [role='tab'] {
    all: unset; cursor: pointer; padding: 6px 12px; border-radius: 8px; font-weight: 600; color: var(--inbox-muted);
    display: inline-flex; gap: 6px; align-items: center;
  }
  [role='tab'][aria-selected='true'] { background: var(--inbox-accent-soft); color: var(--inbox-accent); }
  [role='tab']:focus-visible { outline: 2px solid var(--inbox-accent); }
  .count { font-size: 12px; font-weight: 600; }
  [role='tabpanel'] { overflow-y: auto; flex: 1; }
  ul { list-style: none; margin: 0; padding: 0; }
  li + li { border-top: 1px solid var(--inbox-border); }
  a.row {
    display: grid; gap: 3px; padding: 11px 14px 11px 12px; color: inherit; text-decoration: none;
    border-left: 3px solid transparent;
  }
  a.row:hover { background: var(--inbox-bg); }
  a.row[aria-current='true'] { background: var(--inbox-accent-soft); border-left-color: var(--inbox-accent); }
  a.row:focus-visible { outline-offset: -2px; }
  .line1 { display: flex; align-items: center; gap: 6px; min-width: 0; }
  .num { font-weight: 700; }
  .age { color: var(--inbox-muted); font-size: 12.5px; margin-left: auto; white-space: nowrap; }
  .siteid { color: var(--inbox-muted); font-size: 12.5px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .q, .a { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .q { font-weight: 500; }
  .a { color: var(--inbox-muted); font-size: 13px; }
  .a b { font-weight: 600; }
  .holder { font-size: 12.5px; color: var(--inbox-muted); }
  .status { padding: 24px 16px; color: var(--inbox-muted); text-align: center; }
  .more { display: flex; justify-content: center; padding: 10px; }
  .err { margin: 10px 12px; }
`;

export const ticketCss = css`
  :host { display: flex; flex-direction: column; min-height: 0; height: 100%; background: var(--inbox-bg); }
  .bar {
    display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 10px 16px;
    background: var(--inbox-surface); border-bottom: 1px solid var(--inbox-border);
  }
  .title { display: flex; align-items: center; gap: 8px; min-width: 0; flex: 1 1 220px; }
  h2 { margin: 0; font-size: 16px; white-space: nowrap; }
  .meta { color: var(--inbox-muted); font-size: 12.5px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .actions { display: flex; gap: 6px; flex-wrap: wrap; }
  .back { display: none; }
  .banner { margin: 10px 16px 0; display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
  .banner p { margin: 0; flex: 1; }
  .log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column-reverse; }
  .log > div { display: flex; flex-direction: column; gap: 12px; margin-bottom: auto; }
  .msg { max-width: min(640px, 86%); display: grid; gap: 3px; }
  .msg .by { font-size: 12px; color: var(--inbox-muted); display: flex; gap: 6px; align-items: baseline; }
  .msg .by b { color: var(--inbox-fg); font-weight: 600; }
  .bubble { padding: 9px 12px; border-radius: var(--inbox-radius); white-space: pre-wrap; overflow-wrap: anywhere; }
  .user { align-self: flex-start; }
  .user .bubble { background: var(--inbox-surface); border: 1px solid var(--inbox-border); border-top-left-radius: 3px; }
  .assistant, .agent { align-self: flex-end; }
  .assistant .by, .agent .by { justify-content: flex-end; }
  .assistant .bubble { background: var(--inbox-raised); border: 1px dashed #c9cfd8; border-top-right-radius: 3px; }
  .agent .bubble { background: var(--inbox-accent); color: var(--inbox-on-accent); border-top-right-radius: 3px; }
  .cites { margin: 2px 0 0; padding: 0; list-style: none; font-size: 12.5px; color: var(--inbox-muted); }
  .cites a { color: inherit; }
  .note { align-self: center; font-size: 12.5px; color: var(--inbox-muted); background: var(--inbox-surface);
    border: 1px solid var(--inbox-border); border-radius: 999px; padding: 3px 12px; text-align: center; }
  .typing { margin: 0; min-height: 24px; padding: 3px 16px; font-size: 12.5px; color: var(--inbox-muted); font-style: italic; }
  .conn { font-size: 12px; color: var(--inbox-warn); }
  .loading { padding: 24px; color: var(--inbox-muted); }
  @media (max-width: 760px) {
    .back { display: inline-flex; }
    .bar { padding: 8px 10px; }
    .log { padding: 12px 10px; }
    .msg { max-width: 92%; }
  }
`;

export const composerCss = css`
  :host { display: block; background: var(--inbox-surface); border-top: 1px solid var(--inbox-border); padding: 10px 16px 12px; }
  .suggested { margin: 0 0 8px; padding: 8px 10px; border-radius: 8px; background: var(--inbox-warn-soft); color: var(--inbox-warn); font-size: 13px; }
  .suggested strong { display: block; }
  .suggested ol { margin: 4px 0 0; padding-left: 18px; }
  .suggested a { color: inherit; }
  .row { display: flex; gap: 8px; align-items: flex-end; }
  textarea {
    flex: 1; min-width: 0; resize: vertical; min-height: 44px; max-height: 40vh; padding: 10px 12px; border-radius: 8px;
    border: 1px solid var(--inbox-border); background: var(--inbox-surface); line-height: 1.4; font-size: max(16px, 1em);
  }
  textarea.draft { border-color: #e0b25c; background: #fffdf7; }
  textarea:focus { outline: 2px solid var(--inbox-accent); outline-offset: -1px; }
  .hint { margin: 6px 0 0; font-size: 12px; color: var(--inbox-muted); display: flex; gap: 10px; flex-wrap: wrap; }
  .alert { margin-bottom: 8px; }
  .btn { min-height: 44px; }
`;
