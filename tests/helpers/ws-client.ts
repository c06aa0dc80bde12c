import WebSocket from 'ws';
import type { ServerFrame } from '@support-chat/protocol';

/** A protocol v1 client for tests: every frame received is kept, and tests wait for the ones they expect. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.notify();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(url, { headers });
    const s = new TestSocket(ws);
    return new Promise((ok, fail) => {
      ws.once('open', () => ok(s));
      ws.once('error', fail);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits for the first frame after index `from` that matches. */
  async next<T extends ServerFrame['type']>(type: T, pred: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true, timeoutMs = 10_000, from = 0): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find((f) => f.type === type && pred(f as Extract<ServerFrame, { type: T }>));
      if (found) return found as Extract<ServerFrame, { type: T }>;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) before a "${type}" frame; got ${this.summary()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${type}" frame within ${timeoutMs} ms; got ${this.summary()}`);
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, left);
        this.waiters.push(() => {
          clearTimeout(t);
          ok();
        });
      });
    }
  }

  /**
   * Sends hello and returns `ready`. Resuming a session shows the secret its first `ready` gave
   * (remembered across sockets, as the widget keeps it), unless `resume` says otherwise.
   */
  async hello(extra: { session?: string; after?: number; resume?: string | null } = {}) {
    const from = this.frames.length;
    const { resume, ...rest } = extra;
    const secret = resume === null ? undefined : (resume ?? (rest.session ? TestSocket.secrets.get(rest.session) : undefined));
    this.send({ type: 'hello', v: 1, ...rest, ...(secret ? { resume: secret } : {}) });
    const ready = await this.next('ready', () => true, 10_000, from);
    if (ready.resume) TestSocket.secrets.set(ready.session, ready.resume);
    return ready;
  }

  /** Resume secrets by session, from every `ready` a test saw. */
  static readonly secrets = new Map<string, string>();

  /** Sends a message and waits for its whole answer. */
  async ask(id: string, text: string) {
    this.send({ type: 'message', id, text });
    return this.answerTo(id);
  }

  /** Waits for the whole answer to message `id`. */
  async answerTo(id: string) {
    const start = await this.next('answer.start', (f) => f.replyTo === id);
    const end = await this.next('answer.end', (f) => f.id === start.id);
    const text_ = this.frames.filter((f) => f.type === 'answer.delta' && f.id === start.id).map((f) => (f as { text: string }).text).join('');
    return { start, end, text: text_, deltas: this.frames.filter((f) => f.type === 'answer.delta' && f.id === start.id).length };
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private summary(): string {
    return this.frames.map((f) => f.type).join(',').slice(-400) || 'nothing';
  }
}
