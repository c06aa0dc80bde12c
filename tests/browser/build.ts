/** The widget's build for tests: the same content-hash check `npm start` and `npm test` use. */
export { ensureBuilt, ROOT, SDK_DIST as DIST } from '../../scripts/build-sdk';
