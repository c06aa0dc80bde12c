/**
 * npm run site -- <command>: a site's origins, keys and settings, without SQL or a restart of
 * anything but the embedded database's own server (PGlite belongs to one process: stop
 * `npm start` first, or use POSTGRES_URL, where a running server sees changes at once).
 *   create <id> [--name N] [--origin O]... [--set name=value]... [--no-require-key]
 *   list | show <id>
 *   set <id> [--name N] [--origin O]... [--add-origin O]... [--remove-origin O]... [--set name=value]...
 *   keys <id> [--rotate public|secret|both|webhook]
 *   token <id> [--ttl seconds] [--subject S]
 *   delete <id> --yes          the site with its content, conversations and agents
 * Exit codes: 0 done, 1 no such site, 2 usage or a store that cannot be opened.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import type { Db, Site } from '../../core/ports';
import { mintSiteToken, newPublicKey, newSecretKey } from '../../core/sites/keys';
import { normalizeOrigin, SITE_ID } from '../../core/sites/origins';
import { applySettings, parseSetting, settingText, type SiteSettings } from '../../core/sites/settings';
import { MAX_TOKEN_AGE_SECONDS } from '../../http/site-access';
import { deleteSite } from '../../conversation/delete-site';
import { consoleLogger } from '../../ops/logger';
import { ensureWebhookSecret, rotateWebhookSecret } from '../../notify/secret';
import { parseCli, runMain } from './cli-parse';
import { openObjectStore } from './objects';
import { cliFail, NotFoundError, UsageError, withStores, type CliStores } from './cli-stores';

const out = (s: string): void => void process.stdout.write(s + '\n');
const many = (v: string, all: string[] = []) => [...all, v];

async function main(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let action: ((stores: CliStores) => Promise<void>) | undefined;
  let misuse: string | undefined;
  const program = new Command().name('site').description("A site's origins, keys and settings").showHelpAfterError();
  program
    .command('create <id>')
    .description('add a site, with its public and secret keys')
    .option('--name <name>', 'a name for people (default: the id)')
    .option('--origin <origin>', 'a page origin allowed to use the site (repeat for more)', many)
    .option('--set <name=value>', 'a setting (repeat for more)', many)
    .option('--no-require-key', 'accept clients without the public key or a secret (not recommended)')
    .action((id: string, o) => void (action = ({ db }) => create(db, id, o)));
  program.command('list').description('every site').action(() => void (action = ({ db }) => list(db)));
  program.command('show <id>').description("one site's origins, public key and settings").action((id: string) => void (action = ({ db }) => show(db, id)));
  program
    .command('set <id>')
    .description('change a site')
    .option('--name <name>', 'rename')
    .option('--origin <origin>', 'replace the allowed origins (repeat for more)', many)
    .option('--add-origin <origin>', 'allow one more origin', many)
    .option('--remove-origin <origin>', 'no longer allow an origin', many)
    .option('--set <name=value>', 'a setting; name= unsets it (repeat for more)', many)
    .action((id: string, o) => void (action = ({ db }) => change(db, id, o)));
  program
    .command('keys <id>')
    .description('show the public key; --rotate makes new keys (the old ones stop working at once)')
    .option('--rotate <which>', 'public, secret, both (public and secret) or webhook (the webhook signing secret)')
    .action((id: string, o: { rotate?: string }) => void (action = ({ db }) => keys(db, id, o.rotate)));
  program
    .command('delete <id>')
    .description('delete the site with all its content, conversations and agents (asks for --yes)')
    .option('--yes', 'yes, delete it')
    .action((id: string, o: { yes?: boolean }) => {
      if (!o.yes) misuse = `this deletes site "${id}" with its documents, products, orders, conversations and agents: add --yes`;
      action = (stores) => remove(stores, id);
    });
  program
    .command('token <id>')
    .description("mint a short-lived token with the site's secret key (what the site's backend does)")
    .option('--ttl <seconds>', `lifetime, at most ${MAX_TOKEN_AGE_SECONDS}`, '600')
    .option('--subject <sub>', 'who it is for (your user id)')
    .action((id: string, o: { ttl: string; subject?: string }) => void (action = ({ db }) => token(db, id, o)));

  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  if (!action) return program.help({ error: true }), 2;
  if (misuse) return cliFail('site', misuse, 2);

  return withStores('site', (stores) => action!(stores));
}

async function remove(stores: CliStores, id: string): Promise<void> {
  // The index as it was made (by ingest or the server): deleting from it needs no embedder.
  const index = await stores.vectors.info();
  if (index) await stores.vectors.ensure(index);
  const log = consoleLogger({ level: 'warn' });
  const done = await deleteSite({ ...stores, objects: await openObjectStore(stores.config, log), log }, id, { actor: 'cli' });
  if (!done) throw new NotFoundError(`no site "${id.slice(0, 64)}" (npm run site -- list)`);
  out(`site "${id}" deleted: ${done.documents} document${done.documents === 1 ? '' : 's'}, ${done.conversations} conversation${done.conversations === 1 ? '' : 's'} erased`);
}

async function create(db: Db, id: string, o: { name?: string; origin?: string[]; set?: string[]; requireKey: boolean }): Promise<void> {
  if (!SITE_ID.test(id)) throw new UsageError(`"${id}" is not a site id: letters, digits, - and _, at most 64`);
  if (await db.sites.get(id)) throw new UsageError(`site "${id}" exists: change it with npm run site -- set ${id}`);
  const settings = assigned({ requireKey: o.requireKey }, o.set);
  const site: Site = { id, name: o.name ?? id, allowedOrigins: (o.origin ?? []).map(origin), publicKey: newPublicKey(), secretKey: newSecretKey(), settings };
  await db.sites.upsert(site);
  out(`site "${id}" created`);
  describe(site);
  out(`secret key: ${site.secretKey}   (shown once: keep it on your servers; rotate with npm run site -- keys ${id} --rotate secret)`);
  await showNewWebhookSecret(db, id, settings);
  out(`\nOn your pages:\n  <script src="https://YOUR-SERVER/sdk/support-chat.iife.js" data-site="${id}" data-key="${site.publicKey}" async></script>`);
  if (site.allowedOrigins.length === 0) out(`\nNo page may use it yet: allow one with npm run site -- set ${id} --add-origin https://your-shop.example`);
}

async function list(db: Db): Promise<void> {
  const sites = await db.sites.list();
  if (sites.length === 0) return out('no sites yet: npm run site -- create <id> --origin https://your-shop.example');
  for (const s of sites) {
    const settings = Object.entries(s.settings ?? {}).map(([k, v]) => `${k}=${settingText(v)}`);
    out(`${s.id}\t${s.name}\t${s.allowedOrigins.join(' ') || '(no origins)'}\t${settings.join(' ') || '(defaults)'}`);
  }
}

async function show(db: Db, id: string): Promise<void> {
  describe(await need(db, id));
}

async function change(db: Db, id: string, o: { name?: string; origin?: string[]; addOrigin?: string[]; removeOrigin?: string[]; set?: string[] }): Promise<void> {
  const site = await need(db, id);
  let origins = o.origin ? o.origin.map(origin) : site.allowedOrigins;
  for (const add of (o.addOrigin ?? []).map(origin)) if (!origins.includes(add)) origins = [...origins, add];
  const drop = new Set((o.removeOrigin ?? []).map(origin));
  origins = origins.filter((x) => !drop.has(x));
  const settings = assigned(site.settings ?? {}, o.set);
  await db.sites.update(id, { ...(o.name ? { name: o.name } : {}), allowedOrigins: origins, settings });
  out(`site "${id}" changed`);
  describe({ ...site, ...(o.name ? { name: o.name } : {}), allowedOrigins: origins, settings });
  await showNewWebhookSecret(db, id, settings);
}

async function keys(db: Db, id: string, rotate: string | undefined): Promise<void> {
  const site = await need(db, id);
  if (rotate === undefined) {
    out(`public key: ${site.publicKey ?? '(none: npm run site -- keys ' + id + ' --rotate both)'}`);
    out(`secret key: ${site.secretKey ? 'set (shown only when made)' : 'none'}`);
    return out(`webhook secret: ${(await db.sites.webhookSecret(id)) ? 'set (shown only when made)' : 'none'}`);
  }
  if (rotate === 'webhook') return out(`webhook secret: ${await rotateWebhookSecret(db, id)}   (shown once: the old one stops verifying now)`);
  if (!['public', 'secret', 'both'].includes(rotate)) throw new UsageError(`--rotate takes public, secret, both or webhook, not "${rotate}"`);
  const patch = {
    ...(rotate !== 'secret' ? { publicKey: newPublicKey() } : {}),
    ...(rotate !== 'public' ? { secretKey: newSecretKey() } : {}),
  };
  await db.sites.update(id, patch);
  if (patch.publicKey) out(`public key: ${patch.publicKey}   (update data-key on your pages)`);
  if (patch.secretKey) out(`secret key: ${patch.secretKey}   (shown once)`);
}

async function token(db: Db, id: string, o: { ttl: string; subject?: string }): Promise<void> {
  const site = await need(db, id);
  const ttl = Number(o.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_AGE_SECONDS) throw new UsageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TOKEN_AGE_SECONDS}`);
  if (!site.secretKey) throw new UsageError(`site "${id}" has no secret key: npm run site -- keys ${id} --rotate secret`);
  out(await mintSiteToken(id, site.secretKey, ttl, o.subject));
}

/** The webhook signing secret, when setting the URL just made it. */
async function showNewWebhookSecret(db: Db, id: string, settings: SiteSettings): Promise<void> {
  const secret = await ensureWebhookSecret(db, id, settings);
  if (secret) out(`webhook secret: ${secret}   (shown once: verify X-Support-Chat-Signature with it; rotate with npm run site -- keys ${id} --rotate webhook)`);
}

function describe(site: Site): void {
  out(`id: ${site.id}\nname: ${site.name}`);
  out(`allowed origins: ${site.allowedOrigins.join(', ') || '(none)'}`);
  out(`public key: ${site.publicKey ?? '(none)'}`);
  const settings = Object.entries(site.settings ?? {});
  out(`settings: ${settings.length ? settings.map(([k, v]) => `${k}=${settingText(v)}`).join(', ') : '(server defaults)'}`);
}

async function need(db: Db, id: string): Promise<Site> {
  const site = await db.sites.get(id);
  if (!site) throw new NotFoundError(`no site "${id.slice(0, 64)}" (npm run site -- list)`);
  return site;
}

/** `name=value` assignments applied to `base`, each complaint a usage error. */
function assigned(base: SiteSettings, assignments: string[] = []): SiteSettings {
  try {
    const patch = Object.fromEntries(assignments.map(parseSetting).map(({ name, value }) => [name, value]));
    return applySettings(base, patch);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** normalizeOrigin, its complaint as a usage error. */
function origin(value: string): string {
  try {
    return normalizeOrigin(value);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

runMain('site', main);
