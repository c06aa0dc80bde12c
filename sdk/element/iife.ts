/**
 * The one-line embed: `<script src="https://HOST/sdk/support-chat.iife.js" data-site="…" async>`.
 * Registers the element, takes its defaults from its own script tag (the server is where the
 * script came from) and, given `data-site`, adds a launcher to the page.
 */
import { define } from './define';
import { scriptSrc } from './load-panel.iife';
import { SupportChat } from './support-chat';

const script = document.currentScript as HTMLScriptElement | null;
SupportChat.defaultEndpoint ||= new URL(scriptSrc).origin;
define();

const ATTRS = ['site', 'key', 'endpoint', 'title', 'greeting', 'placeholder', 'position', 'mode', 'theme', 'accent', 'radius', 'font', 'locale', 'open'];

if (script?.dataset.site && !document.querySelector('support-chat')) {
  const el = document.createElement('support-chat');
  for (const name of ATTRS) {
    const value = script.dataset[name];
    if (value !== undefined) el.setAttribute(name, value);
  }
  const add = () => document.body.append(el);
  if (document.body) add();
  else addEventListener('DOMContentLoaded', add, { once: true });
}
