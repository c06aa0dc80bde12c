/**
 * The admin page's bundle (`dist/admin.js`, served at `/admin/admin.js`): defines
 * `<support-admin>`. The page at `/admin` (edge/http/app-pages.ts) loads it.
 */
export { SupportAdmin } from './admin-app';
