/**
 * What the Worker tells a conversation's Durable Object beside the request itself. Only the
 * Worker reaches an object, so these headers and paths are trusted there: the Worker checked
 * what they say (the site, the agent) before it set them.
 */

/** The conversation id, the checked site, and the client's address (CF-Connecting-IP). */
export const SESSION_HEADER = 'x-support-chat-session';
export const SITE_HEADER = 'x-support-chat-site';
export const ADDRESS_HEADER = 'x-support-chat-address';

/** The agent the Worker checked, for the object: a write's actor, or a socket's watch. */
export const ACTOR_HEADER = 'x-support-chat-actor';
export const WATCH_HEADER = 'x-support-chat-watch';

/** The Worker's own request to erase this conversation's storage (admin erasure). */
export const ERASE_PATH = '/internal/erase';
/** Where the object takes an agent's write: `/internal/tickets/<id>/<action>`. */
export const TICKETS_PATH = '/internal/tickets/';
