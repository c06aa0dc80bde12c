/**
 * What the conversation tells a site's webhook (edge/notify): a ticket opened, a visitor wrote
 * to a ticket still waiting, an answer rated down, an agent's reply to a visitor who left an
 * email. Sent beside the conversation, never in its way: the visitor's reply does not wait on
 * the site's server, and a runtime that must keep such work alive (a Durable Object) says how.
 */
import type { Deps } from '../core/deps';
import { notify, type NotifyEvent } from '../notify';

export function tell(deps: Deps, siteId: string, event: NotifyEvent): void {
  const work = () => notify(deps, siteId, event);
  if (deps.background) deps.background(work);
  else void work();
}
