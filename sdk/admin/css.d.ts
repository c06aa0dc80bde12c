/** Stylesheets imported as text (rollup.config.mjs, `cssText`): adopted by a shadow root, CSP-safe. */
declare module '*.css' {
  const text: string;
  export default text;
}
