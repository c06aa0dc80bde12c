/**
 * Sites through the admin API, as `npm run site` does them, on a running server and on both
 * runtimes: list and read (`read`); create, change, rotate keys and delete with everything it
 * holds (`write`, audited). The
 * secret key is shown once, when made; reads never include it. So is the webhook signing secret,
 * made when `settings.webhookUrl` is first set (`{rotate: 'webhook'}` makes a new one).
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../core/deps';
import type { Site } from '../core/ports';
import { newPublicKey, newSecretKey } from '../core/sites/keys';
import { normalizeOrigin, SITE_ID } from '../core/sites/origins';
import { applySettings, type SiteSettings } from '../core/sites/settings';
import { forgetSite } from '../core/sites/recent';
import { forgetMostAsked } from '../core/sites/most-asked';
import { deleteSite } from '../conversation/delete-site';
import { ensureWebhookSecret, rotateWebhookSecret } from '../notify/secret';
import type { RuntimeErase } from '../conversation/erase';
import { adminCaller, requireScope } from './admin-auth';

const origins = z.array(z.string().max(300)).max(100);
/** A setting given as null is unset (the server's default applies again). */
const settingsPatch = z.record(z.string(), z.unknown());

const createBody = z.object({ id: z.string().regex(SITE_ID, 'must be letters, digits, - and _ (at most 64)'), name: z.string().trim().min(1).max(200).optional(), origins: origins.optional(), settings: settingsPatch.optional() });
const patchBody = z.object({ name: z.string().trim().min(1).max(200).optional(), origins: origins.optional(), addOrigins: origins.optional(), removeOrigins: origins.optional(), settings: settingsPatch.optional() });
const keysBody = z.object({ rotate: z.enum(['public', 'secret', 'both', 'webhook']) });

const shown = (s: Site) => ({ id: s.id, name: s.name, allowedOrigins: s.allowedOrigins, publicKey: s.publicKey ?? null, settings: s.settings ?? {} });
const bad = (c: Context, message: string) => c.json({ error: { code: 'invalid_message', message } }, 400);
const missing = (c: Context, id: string) => c.json({ error: { code: 'unknown_site', message: `no site "${id.slice(0, 64)}"` } }, 404);

export function mountAdminSites(app: Hono, deps: Deps, runtimeErase?: RuntimeErase): void {
  const audit = (c: Context, siteId: string, action: string, detail: Record<string, unknown> = {}) => {
    const caller = adminCaller(c);
    return deps.db.audit.add({ siteId, actor: caller.actor, action, detail: { ...detail, address: caller.address } });
  };

  // This process's next hello reads the site as it is now, not as it was up to seconds ago.
  const reread = (siteId: string) => {
    forgetSite(deps.db, siteId);
    forgetMostAsked(deps, siteId);
  };

  app.get('/v1/admin/sites', requireScope('read'), async (c) => c.json({ sites: (await deps.db.sites.list()).map(shown) }));

  app.get('/v1/admin/sites/:id', requireScope('read'), async (c) => {
    const site = await deps.db.sites.get(c.req.param('id'));
    return site ? c.json({ site: shown(site) }) : missing(c, c.req.param('id'));
  });

  app.post('/v1/admin/sites', requireScope('write'), async (c) => {
    const body = await parse(c, createBody);
    if ('error' in body) return bad(c, body.error);
    const { id, name, settings } = body.value;
    if (await deps.db.sites.get(id)) return c.json({ error: { code: 'conflict', message: `site "${id}" exists` } }, 409);
    const made = changed({ requireKey: true }, settings);
    const list = normalized(body.value.origins ?? []);
    if (typeof made === 'string') return bad(c, made);
    if (typeof list === 'string') return bad(c, list);
    const site: Site = { id, name: name ?? id, allowedOrigins: list, publicKey: newPublicKey(), secretKey: newSecretKey(), settings: made };
    await deps.db.sites.upsert(site);
    reread(id);
    await audit(c, id, 'site.created');
    // Made with the webhook URL and shown once, like the secret key.
    const webhookSecret = await ensureWebhookSecret(deps.db, id, made);
    return c.json({ site: shown(site), secretKey: site.secretKey, ...(webhookSecret ? { webhookSecret } : {}) }, 201);
  });

  app.patch('/v1/admin/sites/:id', requireScope('write'), async (c) => {
    const site = await deps.db.sites.get(c.req.param('id'));
    if (!site) return missing(c, c.req.param('id'));
    const body = await parse(c, patchBody);
    if ('error' in body) return bad(c, body.error);
    const p = body.value;
    const replace = p.origins ? normalized(p.origins) : site.allowedOrigins;
    const add = normalized(p.addOrigins ?? []);
    const remove = normalized(p.removeOrigins ?? []);
    const settings = changed(site.settings ?? {}, p.settings);
    for (const x of [replace, add, remove, settings]) if (typeof x === 'string') return bad(c, x);
    const drop = new Set(remove as string[]);
    const allowed = [...new Set([...(replace as string[]), ...(add as string[])])].filter((o) => !drop.has(o));
    const patch = { ...(p.name ? { name: p.name } : {}), allowedOrigins: allowed, settings: settings as SiteSettings };
    await deps.db.sites.update(site.id, patch);
    reread(site.id);
    await audit(c, site.id, 'site.changed', { fields: Object.keys(p) });
    const webhookSecret = await ensureWebhookSecret(deps.db, site.id, patch.settings);
    return c.json({ site: shown({ ...site, ...patch }), ...(webhookSecret ? { webhookSecret } : {}) });
  });

  app.delete('/v1/admin/sites/:id', requireScope('write'), async (c) => {
    const caller = adminCaller(c);
    const done = await deleteSite(deps, c.req.param('id'), caller, runtimeErase);
    return done ? c.json({ deleted: done }) : missing(c, c.req.param('id'));
  });

  app.post('/v1/admin/sites/:id/keys', requireScope('write'), async (c) => {
    const site = await deps.db.sites.get(c.req.param('id'));
    if (!site) return missing(c, c.req.param('id'));
    const body = await parse(c, keysBody);
    if ('error' in body) return bad(c, body.error);
    const which = body.value.rotate;
    if (which === 'webhook') {
      const webhookSecret = await rotateWebhookSecret(deps.db, site.id);
      await audit(c, site.id, 'site.keys_rotated', { which });
      return c.json({ webhookSecret });
    }
    const keys = { ...(which !== 'secret' ? { publicKey: newPublicKey() } : {}), ...(which !== 'public' ? { secretKey: newSecretKey() } : {}) };
    await deps.db.sites.update(site.id, keys);
    await audit(c, site.id, 'site.keys_rotated', { which });
    return c.json(keys);
  });
}

async function parse<T>(c: Context, schema: z.ZodType<T>): Promise<{ value: T } | { error: string }> {
  const parsed = schema.safeParse(await c.req.json().catch(() => null));
  if (parsed.success) return { value: parsed.data };
  const issue = parsed.error.issues[0];
  return { error: `"${issue.path.join('.') || 'body'}" ${issue.message}` };
}

function normalized(list: string[]): string[] | string {
  try {
    return list.map(normalizeOrigin);
  } catch (e) {
    return (e as Error).message;
  }
}

/** The settings with `patch` applied (null unsets); the complaint as a message otherwise. */
function changed(base: SiteSettings, patch: Record<string, unknown> | undefined): SiteSettings | string {
  try {
    return applySettings(base, patch ?? {});
  } catch (e) {
    return (e as Error).message;
  }
}
