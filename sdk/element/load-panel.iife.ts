import type { MountPanel } from './host';

// Read while the script tag runs: `currentScript` is null once it has finished.
const src = (document.currentScript as HTMLScriptElement | null)?.src || location.href;

/** The script-tag build's panel: the same ES module file, fetched from beside the script. */
export const scriptSrc = src;
export const loadPanel = (): Promise<{ mount: MountPanel }> => import(new URL('support-chat-panel.js', src).href);
