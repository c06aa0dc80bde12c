import ReconnectingWebSocket from 'partysocket/ws';
import type { ClientFrame, ServerFrame } from '@support-chat/protocol/frames';
import { CLOSE_FORBIDDEN, CLOSE_UNKNOWN_SITE } from './limits';

export type LinkState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'refused';

export interface LinkHandlers {
  /** The socket is open: the owner sends `hello` first. */
  open(): void;
  frame(frame: ServerFrame): void;
  /** `retryAt` is when the next attempt starts (epoch ms), while reconnecting. */
  state(state: LinkState, retryAt?: number): void;
}

/**
 * `/v1/ws?site=…`, plus the conversation when there is one: a runtime that keeps each
 * conversation in its own place (a Durable Object) routes the socket by it.
 */
export function socketUrl(endpoint: string, site: string, session?: string, key?: string): string {
  const url = new URL('/v1/ws', endpoint);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('site', site);
  if (key) url.searchParams.set('key', key);
  if (session) url.searchParams.set('session', session);
  return url.href;
}

/** A socket silent this long while visible gets a ping; one more such wait and it is replaced. */
const HEARTBEAT_MS = 25_000;
const PONG_WAIT_MS = 8_000;

const jitter = () => 1000 + Math.random() * 2000;

/**
 * One reconnecting WebSocket to `/v1/ws`. partysocket retries with backoff; this adds what a
 * widget needs on top: a jittered delay (so a restarted server is not hit by every tab at the
 * same instant), no retry when the server refuses the site or origin, an immediate retry when
 * the network or the tab comes back, and a heartbeat that notices sockets that died silently.
 * Messages are never queued here: the conversation's outbox resends them after `ready`.
 */
export class Link {
  private readonly ws: ReconnectingWebSocket;
  private readonly options = {
    startClosed: true,
    maxEnqueuedMessages: 0,
    minReconnectionDelay: jitter(),
    maxReconnectionDelay: 15_000,
    reconnectionDelayGrowFactor: 1.6,
    connectionTimeout: 8_000,
    shouldReconnectOnClose: (e: { code: number }) => e.code !== CLOSE_FORBIDDEN && e.code !== CLOSE_UNKNOWN_SITE,
  };
  private current: LinkState = 'idle';
  private lastHeard = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly wake = () => {
    if (document.visibilityState === 'hidden' || this.current === 'refused' || this.current === 'idle') return;
    if (this.current === 'open') this.probe();
    else this.retryNow();
  };
  private readonly offline = () => this.set('offline');

  /** `url` is asked again before every attempt, so it can follow the conversation. */
  constructor(url: string | (() => string), private readonly on: LinkHandlers) {
    this.ws = new ReconnectingWebSocket(url, undefined, this.options);
    this.ws.addEventListener('open', () => {
      this.lastHeard = Date.now();
      this.set('open');
      this.on.open();
    });
    this.ws.addEventListener('message', (e) => {
      this.lastHeard = Date.now();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(e.data));
      } catch {
        return; // not protocol v1: ignore rather than break the conversation
      }
      this.on.frame(frame);
    });
    this.ws.addEventListener('close', (e) => {
      if (this.current === 'idle') return;
      if (!this.options.shouldReconnectOnClose(e)) return this.set('refused');
      // partysocket has already scheduled the next try with the delay of this retry count.
      const n = this.ws.retryCount;
      const delay = n > 0 ? Math.min(this.options.minReconnectionDelay * this.options.reconnectionDelayGrowFactor ** (n - 1), this.options.maxReconnectionDelay) : 0;
      this.options.minReconnectionDelay = jitter(); // partysocket reads its options on every try
      this.set(navigator.onLine === false ? 'offline' : 'reconnecting', Date.now() + delay);
    });
  }

  get state(): LinkState {
    return this.current;
  }

  start(): void {
    if (this.current !== 'idle') return;
    this.set('connecting');
    addEventListener('online', this.wake);
    addEventListener('offline', this.offline);
    document.addEventListener('visibilitychange', this.wake);
    this.timer = setInterval(() => {
      if (this.current === 'open' && document.visibilityState === 'visible' && Date.now() - this.lastHeard > HEARTBEAT_MS) this.probe();
    }, 5_000);
    this.ws.reconnect();
  }

  /** True when the frame went out; false when the socket is not open (nothing is queued). */
  send(frame: ClientFrame): boolean {
    if (this.current !== 'open' || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  retryNow(): void {
    if (this.current === 'idle' || this.current === 'refused') return;
    this.ws.reconnect();
  }

  stop(): void {
    this.set('idle');
    clearInterval(this.timer);
    removeEventListener('online', this.wake);
    removeEventListener('offline', this.offline);
    document.removeEventListener('visibilitychange', this.wake);
    this.ws.close(1000, 'closed by the page');
  }

  /** A socket can look open after a laptop sleeps or a proxy drops it: ask, and replace it if silent. */
  private probe(): void {
    const asked = Date.now();
    this.send({ type: 'ping' });
    setTimeout(() => {
      if (this.current === 'open' && this.lastHeard < asked) this.ws.reconnect(4000, 'no pong');
    }, PONG_WAIT_MS);
  }

  private set(state: LinkState, retryAt?: number): void {
    this.current = state;
    this.on.state(state, retryAt);
  }
}
