/**
 * Limits out of the way, for tests and benchmarks that send many messages from one address
 * (loopback) on purpose; tests of the limits themselves set their own.
 */
export const NO_LIMITS = {
  RATE_LIMIT_PER_MINUTE: '10000',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
  RATE_LIMIT_PER_SITE_PER_MINUTE: '1000000',
  RATE_LIMIT_PER_SITE_PER_SECOND: '100000',
  NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR: '100000',
  SOCKETS_PER_ADDRESS: '100000',
} as const;
