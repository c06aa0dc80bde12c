/**
 * npm run admin -- token <command>: the admin API's tokens, kept as hashes with scopes.
 *   token create --scope read [--scope write …] [--name N]   prints the token once
 *   token list | token revoke <id>
 * On the embedded database the server must be stopped (PGlite belongs to one process); with
 * POSTGRES_URL a running server sees a new or revoked token at its next request.
 * Exit codes: 0 done, 1 no such token, 2 usage or a store that cannot be opened.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { ADMIN_SCOPES, type AdminScope, type Db } from '../../core/ports';
import { randomId } from '../../core/ids';
import { hashSecret, newSecret } from '../../core/secrets';
import { ADMIN_TOKEN_PREFIX } from '../../http/admin-auth';
import { parseCli, runMain } from './cli-parse';
import { cliFail, NotFoundError, withStores } from './cli-stores';

const out = (s: string): void => void process.stdout.write(s + '\n');
const many = (v: string, all: string[] = []) => [...all, v];

async function main(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let action: ((db: Db) => Promise<void>) | undefined;
  let misuse: string | undefined;
  const program = new Command().name('admin').description("The admin API's tokens").showHelpAfterError();
  const token = program.command('token').description('make, list and revoke admin tokens');
  token
    .command('create')
    .description('make a token (shown once)')
    .requiredOption('--scope <scope>', `what it may do: ${ADMIN_SCOPES.join(', ')} (repeat for more)`, many)
    .option('--name <name>', 'who or what it is for', 'admin token')
    .action((o: { scope: string[]; name: string }) => {
      // Checked before the database is opened: a typo is told at once, server running or not.
      const bad = o.scope.filter((s) => !(ADMIN_SCOPES as readonly string[]).includes(s));
      if (bad.length) misuse = `unknown scope ${bad.map((s) => `"${s}"`).join(', ')}: scopes are ${ADMIN_SCOPES.join(', ')}`;
      action = (db) => create(db, o.scope, o.name);
    });
  token.command('list').description('every token, without its secret').action(() => void (action = list));
  token
    .command('revoke <id>')
    .description('stop a token at once')
    .action((id: string) => void (action = (db) => revoke(db, id)));

  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  if (!action) return program.help({ error: true }), 2;
  if (misuse) return cliFail('admin', misuse, 2);
  return withStores('admin', ({ db }) => action!(db));
}

async function create(db: Db, scopes: string[], name: string): Promise<void> {
  const id = randomId('t').slice(2, 14);
  const token = `${ADMIN_TOKEN_PREFIX}${id}_${newSecret()}`;
  await db.adminTokens.create({ id, hash: await hashSecret(token), name, scopes: [...new Set(scopes)] as AdminScope[] });
  out(`token ${id} (${[...new Set(scopes)].join(', ')}) made: ${token}`);
  out('Shown once: keep it in your secret store. Send it as Authorization: Bearer <token>.');
}

async function list(db: Db): Promise<void> {
  const rows = await db.adminTokens.list();
  if (rows.length === 0) return out('no tokens yet: npm run admin -- token create --scope read');
  for (const r of rows) out(`${r.id}\t${r.scopes.join(',')}\t${r.name}\t${r.createdAt.toISOString()}${r.revokedAt ? `\trevoked ${r.revokedAt.toISOString()}` : ''}`);
}

async function revoke(db: Db, id: string): Promise<void> {
  if (!(await db.adminTokens.revoke(id))) throw new NotFoundError(`no live token "${id.slice(0, 64)}" (npm run admin -- token list)`);
  out(`token ${id} revoked`);
}

runMain('admin', main);
