import type { Locator, Page } from 'playwright-core';

/**
 * Runs in the page before its scripts: wraps WebSocket so a test can see every socket and
 * frame, inject a server frame, and cut the connection right after a chosen frame (the
 * frames behind it are dropped, as on a real network failure; the server goes on).
 * A cut can also hold the network down: every new socket is refused until `release`, so a
 * test's steps cannot race the widget's own reconnect timer (1-5 s) on a busy machine.
 */
export function installSpy(): void {
  type Spy = {
    sockets: WebSocket[];
    sent: string[];
    received: string[];
    cutAfter: string | null;
    cuts: number;
    held: boolean;
    refused: number;
  };
  const spy: Spy = { sockets: [], sent: [], received: [], cutAfter: null, cuts: 0, held: false, refused: 0 };
  (window as unknown as { __spy: Spy }).__spy = spy;
  const Native = window.WebSocket;
  class Spied extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      // Port 9 (discard) is closed on loopback: the attempt fails at once, as on a dead network.
      super(spy.held ? 'ws://127.0.0.1:9/' : url, protocols);
      if (spy.held) {
        spy.refused++;
        return;
      }
      spy.sockets.push(this);
      let dead = false;
      // Registered before the widget's own listener, so it can hide frames from it.
      this.addEventListener('message', (e) => {
        if (dead) return e.stopImmediatePropagation();
        spy.received.push(String(e.data));
        if (spy.cutAfter && JSON.parse(String(e.data)).type === spy.cutAfter) {
          spy.cutAfter = null;
          spy.cuts++;
          dead = true;
          this.close(4000, 'cut by the test');
        }
      });
    }
    override send(data: string): void {
      spy.sent.push(data);
      super.send(data);
    }
  }
  window.WebSocket = Spied;
}

export interface SpyState {
  sockets: number;
  sent: { type: string; [k: string]: unknown }[];
  received: { type: string; [k: string]: unknown }[];
  cuts: number;
  /** Attempts refused while the network was held down. */
  refused: number;
}

export async function spyState(page: Page): Promise<SpyState> {
  return page.evaluate(() => {
    const s = (window as unknown as { __spy: { sockets: unknown[]; sent: string[]; received: string[]; cuts: number; refused: number } }).__spy;
    return { sockets: s.sockets.length, sent: s.sent.map((x) => JSON.parse(x)), received: s.received.map((x) => JSON.parse(x)), cuts: s.cuts, refused: s.refused };
  });
}

/**
 * Cut the live socket right after the next frame of this type reaches the page. With `hold`,
 * the network stays down from then on until `releaseAnd`.
 */
export async function cutAfter(page: Page, type: string, { hold = false } = {}): Promise<void> {
  await page.evaluate(([t, held]) => {
    const spy = (window as unknown as { __spy: { cutAfter: string; held: boolean } }).__spy;
    spy.cutAfter = t as string;
    if (held) spy.held = true;
  }, [type, hold] as const);
}

/**
 * Brings the network back and clicks the element in the same task, so the widget's own
 * reconnect timer cannot get in between (the button would be gone before the click).
 */
export async function releaseAndClick(target: Locator): Promise<void> {
  await target.evaluate((el) => {
    (window as unknown as { __spy: { held: boolean } }).__spy.held = false;
    (el as HTMLElement).click();
  });
}

/** Delivers a frame to the widget as if the server had sent it on the live socket. */
export async function inject(page: Page, frame: object): Promise<void> {
  await page.evaluate((data) => {
    const sockets = (window as unknown as { __spy: { sockets: WebSocket[] } }).__spy.sockets;
    sockets[sockets.length - 1].dispatchEvent(new MessageEvent('message', { data }));
  }, JSON.stringify(frame));
}
