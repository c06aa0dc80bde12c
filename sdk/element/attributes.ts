/**
 * The element's attributes as a framework template takes them: the typings for Vue, Svelte and
 * JSX (sdk/types) build on this, so a value the element does not know fails to compile.
 */
export interface SupportChatAttributes {
  site?: string;
  key?: string;
  endpoint?: string;
  title?: string;
  greeting?: string;
  placeholder?: string;
  position?: 'bottom-right' | 'bottom-left';
  mode?: 'launcher' | 'inline';
  theme?: 'light' | 'dark' | 'auto';
  accent?: string;
  radius?: string;
  font?: string;
  locale?: string;
  open?: boolean;
}
