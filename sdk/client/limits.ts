/**
 * The protocol's constants, spelled here as values so the bundle never loads the protocol
 * module (it imports zod). Each is typed by the protocol's own constant: if one changes there,
 * this file stops type-checking until it follows.
 */
type Protocol = typeof import('@support-chat/protocol/frames');

export const MAX_MESSAGE_CHARS: Protocol['MAX_MESSAGE_CHARS'] = 4000;
export const CLOSE_FORBIDDEN: Protocol['CLOSE_FORBIDDEN'] = 4403;
export const CLOSE_UNKNOWN_SITE: Protocol['CLOSE_UNKNOWN_SITE'] = 4404;
export const PROTOCOL_VERSION: Protocol['PROTOCOL_VERSION'] = 1;
export const TYPING_LAPSE_MS: Protocol['TYPING_LAPSE_MS'] = 6000;
