/**
 * The Cloudflare Workers entry (wrangler.toml `main`): the Worker's fetch handler and the
 * Durable Object class that holds each conversation. Everything lives in edge/runtime/workers.
 */
import type { WorkerEnv } from './runtime/workers/deps';
import type { ExecutionContext } from './runtime/workers/platform';
import { handleFetch } from './runtime/workers/router';

export { ConversationObject } from './runtime/workers/conversation-object';

export default {
  fetch: (request: Request, env: WorkerEnv, ctx: ExecutionContext) => handleFetch(request, env, ctx),
};
