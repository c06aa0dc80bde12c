/**
 * A fixed load for comparing server set-ups: CONVERSATIONS visitors at once, each asking
 * PER_CONVERSATION questions one after another on its own socket, the sockets dealt round-robin
 * over the given processes (as a load balancer would). Every configuration gets the same load.
 */
import { TestSocket } from '../helpers/ws-client';
import { QUESTIONS } from './socket';
import { askTimed } from './worker';

export const CONVERSATIONS = 8;
const PER_CONVERSATION = 40;
const WARM_UP = 3;

export interface LoadFigures {
  /** Answers per second over the timed part, all conversations together. */
  perSecond: number;
  /** message → first answer.delta, ms. */
  first: number[];
  /** message → answer.end, ms. */
  whole: number[];
}

/**
 * An open load, as visitors make it: `rate` messages per second arriving at random (Poisson)
 * over `seconds`, dealt in turn to `conversations` sockets, each sent when its time comes
 * whether or not the conversation's last answer has ended. Closed loops (measureLoad) measure
 * capacity; this measures the wait a visitor sees at a given traffic.
 */
export async function measureOffered(wsUrl: string, label: string, conversations: number, rate: number, seconds: number): Promise<LoadFigures & { offered: number }> {
  return withConversations([wsUrl], label, conversations, async (sockets) => {
    const first: number[] = [];
    const whole: number[] = [];
    const asked: Promise<void>[] = [];
    const started = performance.now();
    let at = 0;
    for (let i = 0; ; i++) {
      at += -Math.log(1 - Math.random()) / rate;
      if (at >= seconds) break;
      const wait = started + at * 1000 - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const s = sockets[i % conversations];
      const id = `${label}o${i}`;
      asked.push(askTimed(s, id, `${QUESTIONS[i % QUESTIONS.length]} (${id})`).then((r) => {
        first.push(r.first);
        whole.push(r.whole);
      }));
    }
    await Promise.all(asked);
    return { perSecond: whole.length / ((performance.now() - started) / 1000), first, whole, offered: rate };
  });
}

/** `answers`: every answer of the run, the warm-up's included (what the processes' CPU time covers). */
export async function measureLoad(wsUrls: string[], label: string, conversations = CONVERSATIONS): Promise<LoadFigures & { answers: number }> {
  return withConversations(wsUrls, label, conversations, async (sockets) => {
    const first: number[] = [];
    const whole: number[] = [];
    const started = performance.now();
    await Promise.all(sockets.map(async (s, n) => {
      for (let i = 0; i < PER_CONVERSATION; i++) {
        const r = await ask(s, label, n, i, 'm');
        first.push(r.first);
        whole.push(r.whole);
      }
    }));
    return { perSecond: whole.length / ((performance.now() - started) / 1000), first, whole, answers: conversations * (PER_CONVERSATION + WARM_UP) };
  });
}

// A varying suffix keeps every question out of the answer cache, shared or not.
const ask = (s: TestSocket, label: string, n: number, i: number, tag: string) =>
  askTimed(s, `${label}${tag}${n}-${i}`, `${QUESTIONS[(i + n) % QUESTIONS.length]} (${label}${tag}${n}-${i})`);

/** `conversations` sockets dealt round-robin over `wsUrls`, greeted and warmed up, for `measure`; closed after. */
async function withConversations<T>(wsUrls: string[], label: string, conversations: number, measure: (sockets: TestSocket[]) => Promise<T>): Promise<T> {
  const sockets = await Promise.all(Array.from({ length: conversations }, (_, n) => TestSocket.open(wsUrls[n % wsUrls.length])));
  try {
    await Promise.all(sockets.map((s) => s.hello()));
    await Promise.all(sockets.map(async (s, n) => {
      for (let i = 0; i < WARM_UP; i++) await ask(s, label, n, i, 'w');
    }));
    return await measure(sockets);
  } finally {
    for (const s of sockets) s.close();
  }
}
