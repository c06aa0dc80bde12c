import type { MountPanel } from './host';

/** The panel, as a separate chunk the ES module build loads on first open. */
export const loadPanel = (): Promise<{ mount: MountPanel }> => import('../panel/index');
