/**
 * The interfaces the core sees. Each runtime entry builds one implementation of each, once,
 * and hands them in through `Deps`; the core never reads the environment, the network or the
 * clock by itself, so the same pipeline runs in Node, in workerd and in tests.
 */
export * from './providers';
export * from './vectors';
export * from './content';
export * from './conversations';
export * from './commerce';
export * from './admin';
export * from './db';
export * from './session-store';
export * from './ops';
export * from './objects';
export * from './insights';
