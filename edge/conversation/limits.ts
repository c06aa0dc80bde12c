/**
 * The limits a visitor meets before anything costs money: messages per conversation, per
 * client address and per site (a minute, sliding), and new conversations per address (an
 * hour). Only what is new counts: a message id already stored (a resend after a reconnect)
 * passes without touching a counter.
 */
import type { Deps } from '../core/deps';
import type { RateCheck } from '../core/ports';
import type { Peer } from './connection';

/** Thrown where a limit refuses; the transport answers `rate_limited` with `retryAfter`. */
export class RateLimited extends Error {
  constructor(
    readonly retryAfter: number,
    readonly what: string,
  ) {
    super(`too many ${what}; try again in ${retryAfter} s`);
    this.name = 'RateLimited';
  }
}

/** A new message of `session`: refused (thrown) when a limit says wait. */
export async function countMessage(deps: Pick<Deps, 'sessions' | 'settings' | 'metrics'>, peer: Peer, session: string): Promise<void> {
  const { sessions, settings } = deps;
  const limits = settings.limits;
  // Narrowest first, in one round trip: a message one limit refuses is not counted by the
  // wider ones, so one address's refused flood never spends its whole site's allowance.
  const checks: RateCheck[] = [{ key: `msg:${session}`, limit: settings.rateLimitPerMinute, windowSeconds: 60 }];
  if (limits) {
    if (peer.address) checks.push({ key: `msg-addr:${peer.address}`, limit: limits.perAddressPerMinute, windowSeconds: 60 });
    // Per second too: a burst the minute allows would otherwise hold the process for seconds
    // (on the embedded stores, everyone's queries wait their turn behind its writes).
    checks.push({ key: `msg-site-s:${peer.siteId}`, limit: limits.perSitePerSecond, windowSeconds: 1 });
    checks.push({ key: `msg-site:${peer.siteId}`, limit: limits.perSitePerMinute, windowSeconds: 60 });
  }
  const wait = await sessions.rateLimits(checks);
  if (wait > 0) {
    deps.metrics?.inc('support_chat_rate_limited_total', { what: 'messages' });
    throw new RateLimited(wait, 'messages');
  }
}

/** A conversation about to be created for this peer: refused (thrown) past the address's hourly limit. */
export async function countNewConversation(deps: Pick<Deps, 'sessions' | 'settings' | 'metrics'>, peer: Peer): Promise<void> {
  const limits = deps.settings.limits;
  if (!limits || !peer.address) return;
  const wait = await deps.sessions.rateLimit(`conv-addr:${peer.address}`, limits.newConversationsPerHour, 3600);
  if (wait > 0) {
    deps.metrics?.inc('support_chat_rate_limited_total', { what: 'conversations' });
    throw new RateLimited(wait, 'new conversations');
  }
}
