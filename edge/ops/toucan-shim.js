// toucan-js through a door its own type declarations do not come in by: they pull
// @cloudflare/workers-types into every file of the program (see toucan-shim.d.ts).
export { Toucan } from 'toucan-js';
