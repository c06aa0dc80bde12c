import type { Strings } from '../panel/i18n';
import type { DetailOf, SupportChatEventName } from './events';

/**
 * The contract between the always-loaded element and the lazily loaded panel. Types only:
 * the panel file must not import the element's code, so one panel file serves both the
 * ES module and the script-tag builds.
 */
export interface PanelConfig {
  site: string;
  /** The site's public key (`key`), when the site asks for one. */
  key?: string;
  /** The server's origin, e.g. https://support.example.com. */
  endpoint: string;
  title?: string;
  greeting?: string;
  placeholder?: string;
  locale?: string;
  inline: boolean;
  strings: Partial<Strings>;
}

export interface PanelHost {
  readonly root: ShadowRoot;
  /** The element the panel renders into (part="panel"). */
  readonly container: HTMLElement;
  config(): PanelConfig;
  readonly isOpen: boolean;
  emit<K extends SupportChatEventName>(name: K, detail: DetailOf<K>): void;
  /** The panel's own close button: the element closes and gives focus back to the launcher. */
  requestClose(): void;
}

export interface PanelApi {
  /** An attribute or `strings` changed. */
  update(): void;
  /** The panel became visible (or, inline, the visitor turned to it): connect, focus the input. */
  activate(focus: boolean): void;
  send(text: string): void;
  reset(): void;
  /** The element left the page. */
  destroy(): void;
}

export type MountPanel = (host: PanelHost) => PanelApi;
