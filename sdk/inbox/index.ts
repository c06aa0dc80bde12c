/**
 * The agent inbox's bundle (`dist/inbox.js`, served at `/agent/inbox.js`): defines
 * `<support-inbox>` and its parts. The page at `/agent` (edge/http/app-pages.ts) loads it.
 */
export { SupportInbox } from './inbox-app';
