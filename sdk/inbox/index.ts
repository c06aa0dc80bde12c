/**
 * The agent inbox's bundle (`dist/inbox.js`, served at `/agent/inbox.js`): defines
 * `<support-inbox>` and its parts. The page at `/agent` (edge/http/agent-app.ts) loads it.
 */
export { SupportInbox } from './inbox-app';
