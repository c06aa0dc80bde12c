/**
 * Where the runtime suites find the server under test, and the calls they share: its socket
 * URL, a conversation's history over HTTP, POST /v1/chat.
 */
import type { ServerEvent } from '@support-chat/protocol';
import { TestSocket } from '../helpers/ws-client';

export interface ConversationTarget {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
}

export function socketUrl(t: ConversationTarget, opts: { site?: string; session?: string } = {}): string {
  const q = new URLSearchParams({ site: opts.site ?? 'demo', ...(opts.session ? { session: opts.session } : {}) });
  return `ws://127.0.0.1:${t.port}/v1/ws?${q}`;
}

export const seqs = (s: TestSocket) => s.frames.filter((f): f is ServerEvent => 'seq' in f && f.type !== 'ready').map((f) => f.seq);

export interface ChatJson {
  session: string;
  resume?: string;
  answer: { id: string; replyTo: string; text: string; citations: { n: number; title: string }[]; confidence: number; intent: string };
}

/** The HTTP calls both suites make: a conversation's history (with the secret its widget keeps), and POST /v1/chat. */
export function httpCalls(target: () => ConversationTarget) {
  const url = () => target().url;
  return {
    url,
    sessionGet: (session: string, resume = TestSocket.secrets.get(session), headers: Record<string, string> = {}) =>
      fetch(`${url()}/v1/sessions/${session}`, { headers: { ...(resume ? { 'x-resume-secret': resume } : {}), ...headers } }),
    post: (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url()}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
  };
}
