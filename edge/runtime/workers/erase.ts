/** Erasure on Workers reaches a conversation's Durable Object too: its sockets and stored events. */
import type { RuntimeErase } from '../../conversation/erase';
import { ERASE_PATH, SESSION_HEADER, SITE_HEADER } from './internal';
import type { WorkerEnv } from './deps';

export function eraseInObject(env: WorkerEnv): RuntimeErase {
  return async (id, siteId) => {
    const res = await env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id)).fetch(
      new Request(`https://conversation${ERASE_PATH}`, { method: 'DELETE', headers: { [SESSION_HEADER]: id, [SITE_HEADER]: siteId } }),
    );
    if (!res.ok) throw new Error(`the conversation's Durable Object could not erase its storage (${res.status})`);
  };
}
