/**
 * The element's own styles: the theme (every `--support-chat-*` property, read once here into
 * a private `--_*` name the panel's styles use), the launcher and the panel's frame. Loaded as
 * a constructable stylesheet: nothing inline, so a strict style-src CSP does not block it.
 * `all: initial` stops the page's inherited text styles at the door; custom properties still
 * come through, which is how a page themes the widget.
 */
const dark =
  '--_accent:var(--support-chat-accent,var(--_a-accent,#8fb0ff));--_on-accent:var(--support-chat-accent-text,#0f1115);' +
  '--_bg:var(--support-chat-bg,#16181d);--_fg:var(--support-chat-fg,#eceef2);--_muted:var(--support-chat-muted,#a9b0bc);' +
  '--_surface:var(--support-chat-surface,#252930);--_border:var(--support-chat-border,#3a3f49);color-scheme:dark';

export const shellCss = `
:host{
all:initial;
--_accent:var(--support-chat-accent,var(--_a-accent,#2451c7));--_on-accent:var(--support-chat-accent-text,#fff);
--_bg:var(--support-chat-bg,#fff);--_fg:var(--support-chat-fg,#1c1f24);--_muted:var(--support-chat-muted,#565d6a);
--_surface:var(--support-chat-surface,#f1f3f6);--_border:var(--support-chat-border,#d5dae1);
--_font:var(--support-chat-font,var(--_a-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif));
--_size:var(--support-chat-font-size,15px);--_radius:var(--support-chat-radius,var(--_a-radius,14px));
--_space:var(--support-chat-spacing,12px);--_offset:var(--support-chat-offset,20px);
--_shadow:var(--support-chat-shadow,0 12px 40px rgb(0 0 0/.2));
color-scheme:light;
position:fixed;z-index:var(--support-chat-z-index,2147483000);inset:auto var(--_offset) var(--_offset) auto;
display:block;font:normal var(--_size)/1.45 var(--_font);color:var(--_fg);text-align:start;
}
:host([theme=dark]){${dark}}
/* Text on the accent: black or white, whichever reads better on it (where the browser can work it out). */
@supports (color:lch(from red l c h)){.frame{--_on-accent:var(--support-chat-accent-text,lch(from var(--_accent) calc((49.44 - l) * infinity) 0 0))}}
@media (prefers-color-scheme:dark){:host([theme=auto]){${dark}}}
:host([position=bottom-left]){inset:auto auto var(--_offset) var(--_offset)}
:host([mode=inline]){position:relative;inset:auto;z-index:auto}
:host([hidden]){display:none}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.frame{direction:ltr;display:flex;flex-direction:column;align-items:flex-end;gap:var(--_space)}
:host([position=bottom-left]) .frame{align-items:flex-start}
.launcher{all:unset;box-sizing:border-box;cursor:pointer;width:56px;height:56px;border-radius:50%;display:grid;place-items:center;
background:var(--_accent);color:var(--_on-accent);box-shadow:var(--_shadow);transition:transform .15s ease}
.launcher:hover{transform:scale(1.06)}
.launcher:focus-visible{outline:3px solid var(--_fg);outline-offset:3px}
.launcher[aria-expanded=true] svg:first-child,.launcher[aria-expanded=false] svg:last-child{display:none}
.launcher svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.panel{display:flex;flex-direction:column;overflow:hidden;background:var(--_bg);color:var(--_fg);
width:min(var(--support-chat-width,380px),calc(100vw - 2 * var(--_offset)));
height:min(var(--support-chat-height,600px),calc(100vh - 56px - 3 * var(--_offset)));
border:1px solid var(--_border);border-radius:var(--_radius);box-shadow:var(--_shadow);animation:sc-in .18s ease-out}
:host([mode=inline]) .panel{width:100%;height:var(--support-chat-height,560px);box-shadow:none;animation:none}
.panel[aria-busy=true]::after{content:"";margin:auto;width:28px;height:28px;border-radius:50%;border:3px solid var(--_border);border-top-color:var(--_accent);animation:sc-spin 1s linear infinite}
@keyframes sc-in{from{opacity:0;transform:translateY(12px)}}
@keyframes sc-spin{to{transform:rotate(1turn)}}
@media (max-width:479.98px){
:host(:not([mode=inline])[open]){inset:0}
:host(:not([mode=inline])[open]) .launcher{display:none}
:host(:not([mode=inline])) .panel{position:fixed;inset:var(--_vv-top,0) 0 auto 0;width:100%;height:var(--_vv-height,100dvh);border:0;border-radius:0}
}
@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none!important;transition:none!important}}
`;
