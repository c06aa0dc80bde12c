/**
 * The Cloudflare Workers entry (wrangler.toml `main`): the Worker's fetch handler, its cron
 * trigger's handler (retention) and the Durable Object class that holds each conversation.
 * Everything lives in edge/runtime/workers.
 */
import type { WorkerEnv } from './runtime/workers/deps';
import type { ExecutionContext, ScheduledController } from './runtime/workers/platform';
import { handleFetch } from './runtime/workers/router';
import { handleScheduled } from './runtime/workers/scheduled';

export { ConversationObject } from './runtime/workers/conversation-object';

export default {
  fetch: (request: Request, env: WorkerEnv, ctx: ExecutionContext) => handleFetch(request, env, ctx),
  scheduled: (controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext) => handleScheduled(controller, env, ctx),
};
