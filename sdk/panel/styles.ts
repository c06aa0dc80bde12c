/** The panel's styles; the theme's `--_*` properties come from the element's own sheet. */
export const panelCss = `
.head{display:flex;align-items:center;gap:4px;padding:calc(var(--_space) * .75) var(--_space);background:var(--_accent);color:var(--_on-accent);
padding-top:max(calc(var(--_space) * .75),env(safe-area-inset-top))}
.head h2{flex:1;margin:0;font-size:1.05em;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
button{font:inherit;color:inherit;cursor:pointer}
.icon{all:unset;box-sizing:border-box;display:grid;place-items:center;width:36px;height:36px;border-radius:8px;cursor:pointer}
.icon:hover{background:rgb(255 255 255/.16)}
.icon:focus-visible,.list:focus-visible{outline:2px solid currentColor;outline-offset:-2px}
svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round;flex:none}
.status{display:flex;align-items:center;gap:8px;padding:6px var(--_space);font-size:.88em;background:var(--_surface);border-bottom:1px solid var(--_border)}
.status[data-kind=error],.status[data-kind=limited]{background:#fdecea;color:#8a1c12}
.status p{margin:0;flex:1}
.status button{background:none;border:1px solid currentColor;border-radius:6px;padding:2px 8px}
.list{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:var(--_space);display:flex;flex-direction:column;gap:calc(var(--_space) * .75)}
.msg{max-width:88%;padding:calc(var(--_space) * .6) calc(var(--_space) * .85);border-radius:var(--_radius);overflow-wrap:anywhere}
.msg>:first-child{margin-top:0}.msg>:last-child{margin-bottom:0}
.user{align-self:flex-end;background:var(--_accent);color:var(--_on-accent);border-end-end-radius:4px;white-space:pre-wrap}
.user small{display:block;font-size:.78em;opacity:.85}
.answer,.agent{align-self:flex-start;background:var(--_surface);border-end-start-radius:4px}
.intro{text-align:center;padding:var(--_space) 0 calc(var(--_space) * .5)}
.intro h3{margin:.4em 0 .2em;font-size:1.1em}
.intro p{margin:0;font-size:.88em;color:var(--_muted)}
.logo{width:48px;height:48px;margin:0;border-radius:50%;object-fit:cover;font-size:1.3em}
.intro ul{list-style:none;margin:var(--_space) 0 0;padding:0;display:flex;flex-wrap:wrap;justify-content:center;gap:6px}
.intro li button{border:1px solid var(--_border);background:var(--_bg);border-radius:999px;padding:6px 12px;font-size:.9em;text-align:start}
.intro li button:hover{border-color:var(--_accent)}
.intro li button:focus-visible{outline:2px solid var(--_accent);outline-offset:1px}
.msg p,.msg ul,.msg ol,.msg pre,.msg blockquote{margin:.5em 0}
.msg ul,.msg ol{padding-inline-start:1.3em}
.msg .h{font-weight:700}
.msg code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:rgb(127 127 127/.15);border-radius:4px;padding:0 .25em}
.msg pre{overflow-x:auto;padding:.6em;background:rgb(127 127 127/.12);border-radius:6px}
.msg pre code{background:none;padding:0}
.msg blockquote{border-inline-start:3px solid var(--_border);padding-inline-start:.6em;margin-inline:0}
.msg a{color:inherit;text-decoration:underline}
a.ref{font-size:.8em;vertical-align:super;line-height:0;text-decoration:none;font-weight:600;padding:0 1px;white-space:nowrap}
.src{display:flex;align-items:center;justify-content:space-between;gap:8px;margin-top:.6em;padding-top:.4em;border-top:1px solid var(--_border);font-size:.8em;color:var(--_muted)}
.conf::before{content:"";display:inline-block;width:8px;height:8px;border-radius:50%;margin-inline-end:5px;background:#1a7f37}
.conf[data-band=medium]::before{background:#b7791f}.conf[data-band=low]::before{background:#c0392b}
.msg .refs{margin:.2em 0 0;padding:0;list-style:none;font-size:.86em}
.refs li{position:relative;margin:.15em 0}
.refs [part=citation]{display:flex;gap:.45em;max-width:100%}
.refs .t{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.snip{display:none;position:absolute;z-index:1;inset-inline:0;bottom:100%;padding:6px 8px;border-radius:6px;background:var(--_fg);color:var(--_bg);font-size:.95em;box-shadow:0 2px 8px rgb(0 0 0/.2)}
.refs li:hover .snip,.refs li:focus-within .snip{display:block}
.low{font-size:.86em;color:var(--_muted)}
.link{background:none;border:0;padding:0;text-decoration:underline;color:var(--_fg);font-weight:600}
.fb{display:flex;align-items:center;gap:2px;margin-top:.3em;color:var(--_muted);font-size:.82em}
.fb button{all:unset;cursor:pointer;display:grid;place-items:center;width:30px;height:30px;border-radius:6px}
.fb button:hover,.fb button[aria-pressed=true]{color:var(--_fg);background:rgb(127 127 127/.15)}
.fb button:focus-visible{outline:2px solid var(--_fg)}
.fb svg{width:16px;height:16px}
.dots{display:inline-flex;gap:4px;padding:.35em 0}
.dots i{width:7px;height:7px;border-radius:50%;background:var(--_muted);animation:sc-dot 1.2s infinite ease-in-out}
.dots i:nth-child(2){animation-delay:.15s}.dots i:nth-child(3){animation-delay:.3s}
@keyframes sc-dot{0%,80%,100%{opacity:.3}40%{opacity:1}}
.form{display:flex;align-items:flex-end;gap:8px;padding:var(--_space);border-top:1px solid var(--_border);
padding-bottom:max(var(--_space),env(safe-area-inset-bottom))}
textarea{flex:1;resize:none;font:inherit;font-size:max(16px,1em);line-height:1.4;color:var(--_fg);background:var(--_bg);
border:1px solid var(--_border);border-radius:calc(var(--_radius) * .7);padding:8px 10px;max-height:9em;min-height:42px}
textarea:focus{outline:2px solid var(--_accent);outline-offset:-1px}
textarea::placeholder{color:var(--_muted);opacity:1}
.send{all:unset;box-sizing:border-box;cursor:pointer;display:grid;place-items:center;width:42px;height:42px;border-radius:50%;background:var(--_accent);color:var(--_on-accent)}
.send:focus-visible{outline:2px solid var(--_fg);outline-offset:2px}
[dir=rtl] .send svg,[dir=rtl] .ref-flip{transform:scaleX(-1)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;
