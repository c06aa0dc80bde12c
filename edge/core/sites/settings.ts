/**
 * What a site's owner sets for their site (stored as JSON beside it, set with `npm run site`).
 * Each is optional: an unset value takes the server's default from its configuration, so one
 * server can host a cautious shop and a relaxed blog side by side.
 */
import { z } from 'zod';
import type { Intro } from '@support-chat/protocol';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const URL_RULE = 'must be an https URL (http only for localhost or 127.0.0.1)';

/** An https URL, or http to this machine (development and tests). */
export function isHttpsUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}

/** The words the widget has for "we usually reply within…": it says them in the visitor's language. */
export const REPLY_TIMES = ['minutes', 'hour', 'hours', 'day'] as const satisfies readonly NonNullable<Intro['replyTime']>[];
/** One-tap questions in the empty panel: a few short ones, or the panel becomes a wall. */
export const MAX_SUGGESTIONS = 4;
export const MAX_SUGGESTION_CHARS = 120;

/** Minutes without an agent seen before a site counts as unattended, when `offlineAfterMinutes` is unset. */
export const DEFAULT_OFFLINE_AFTER_MINUTES = 10;

/** The site's `offlineAfterMinutes`, or the default. */
export function offlineAfterMinutes(settings: SiteSettings | undefined): number {
  return settings?.offlineAfterMinutes ?? DEFAULT_OFFLINE_AFTER_MINUTES;
}

/** What a site's own intent does when a message is classified as it. */
export const INTENT_ACTIONS = ['answer', 'ticket', 'order', 'reply'] as const;
export type IntentActionName = (typeof INTENT_ACTIONS)[number];
/** Intent names as a site's labelled rows give them: short, no spaces, so a CSV and a URL carry them as is. */
export const INTENT_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const INTENT_NAME_RULE = 'lowercase letters, digits, "_", "-" and ".", up to 64, starting with a letter or digit';
const MAX_INTENT_REPLY_CHARS = 2000;

const suggestionList = z
  .array(
    z
      .string({ error: 'must be text' })
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_SUGGESTION_CHARS, `must be at most ${MAX_SUGGESTION_CHARS} characters`),
    { error: 'must be a list of questions' },
  )
  .max(MAX_SUGGESTIONS, `must hold at most ${MAX_SUGGESTIONS} questions`);

export const intentActionSchema = z
  .object({
    /** answer from the content (the default), open a ticket, start the order look-up, or reply with `reply`. */
    action: z.enum(INTENT_ACTIONS, { error: `must be ${INTENT_ACTIONS.slice(0, -1).join(', ')} or ${INTENT_ACTIONS.at(-1)}` }),
    reply: z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(MAX_INTENT_REPLY_CHARS, `must be at most ${MAX_INTENT_REPLY_CHARS} characters`),
    /** One-tap questions this intent brings to the widget's empty panel (when the site sets no `suggestions`). */
    suggestions: suggestionList,
  })
  .partial({ reply: true, suggestions: true })
  .strict()
  .refine((a) => (a.action === 'reply') === (a.reply !== undefined), {
    message: 'a "reply" action needs its text in "reply", and only a "reply" action takes one',
  });
export type IntentAction = z.infer<typeof intentActionSchema>;

export const siteSettingsSchema = z
  .object({
    /**
     * Browsers must give the site's public key, and clients without an Origin (servers, apps)
     * its secret key or a token minted with it. Off: the site id and allowed origins suffice.
     */
    requireKey: z.boolean(),
    /** Conversations idle this many days are erased (over RETENTION_DAYS). */
    retentionDays: z.number().int().min(1).max(36_500),
    /** The widget's reset() also erases the conversation on the server. */
    eraseOnReset: z.boolean(),
    /** Message text is encrypted at rest (when DATA_ENCRYPTION_KEY is set). Default on. */
    encryptMessages: z.boolean(),
    /** Daily LLM allowance (over SITE_DAILY_TOKEN_BUDGET / SITE_DAILY_BUDGET_USD). */
    dailyTokenBudget: z.number().int().min(1),
    dailyBudgetUsd: z.number().positive(),
    /**
     * Where notifications are POSTed (edge/notify): https, or http to localhost/127.0.0.1 only.
     * Setting it the first time makes the site's webhook signing secret.
     */
    webhookUrl: z.string().trim().max(2000).refine(isHttpsUrl, { message: `${URL_RULE}, such as https://hooks.slack.com/services/…` }),
    /** An agent not seen for this many minutes counts as offline (default 10): the widget then takes an email. */
    offlineAfterMinutes: z.number().int().min(1).max(1440),
    /** The avatar or logo over the widget's empty panel (`intro.avatar`). */
    avatarUrl: z.string().trim().max(2000).refine(isHttpsUrl, { message: `${URL_RULE}, such as https://shop.example/logo.png` }),
    /** How soon the site's people usually reply, shown in the empty panel (`intro.replyTime`). */
    replyTime: z.enum(REPLY_TIMES, { error: `must be ${REPLY_TIMES.slice(0, -1).join(', ')} or ${REPLY_TIMES.at(-1)}` }),
    /** The empty panel's one-tap questions; unset, the most-asked FAQ entries; empty, none. */
    suggestions: suggestionList,
    /**
     * What the site's own intents do (`npm run intents -- train`), by intent name: built-in
     * intents keep their own handling unless named here.
     */
    intents: z
      .record(z.string().regex(INTENT_NAME), intentActionSchema, {
        error: (iss) => (iss.code === 'invalid_key' ? `intent names are ${INTENT_NAME_RULE}` : 'must map intent names to actions'),
      })
      .refine((o) => Object.keys(o).length <= 500, 'must name at most 500 intents'),
  })
  .partial()
  .strict();

export type SiteSettings = z.infer<typeof siteSettingsSchema>;
export type SiteSettingName = keyof SiteSettings;

export const SITE_SETTING_NAMES = Object.keys(siteSettingsSchema.shape) as SiteSettingName[];

/** Settings read back from the database: anything unknown or malformed is dropped, not fatal. */
export function readSettings(stored: unknown): SiteSettings {
  if (!stored || typeof stored !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const name of SITE_SETTING_NAMES) {
    const one = siteSettingsSchema.shape[name].safeParse((stored as Record<string, unknown>)[name]);
    if (one.success && one.data !== undefined) out[name] = one.data;
  }
  return out as SiteSettings;
}

/**
 * `name=value` as typed on a command line or sent as a string: booleans, numbers and text by
 * their setting's type; a list as `a|b|c` or a JSON array (`[]` is an empty list); an empty
 * value unsets. Errors name the setting and what it takes.
 */
export function parseSetting(assignment: string): { name: SiteSettingName; value: SiteSettings[SiteSettingName] | undefined } {
  const eq = assignment.indexOf('=');
  if (eq < 1) throw new Error(`"${assignment}": write a setting as name=value (settings: ${SITE_SETTING_NAMES.join(', ')})`);
  const name = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1).trim();
  if (!(SITE_SETTING_NAMES as string[]).includes(name)) {
    throw new Error(`unknown setting "${name}" (settings: ${SITE_SETTING_NAMES.join(', ')})`);
  }
  const key = name as SiteSettingName;
  if (raw === '') return { name: key, value: undefined };
  const shape = siteSettingsSchema.shape[key];
  const inner = shape.unwrap();
  const isBool = inner instanceof z.ZodBoolean;
  const isText = inner instanceof z.ZodString || inner instanceof z.ZodEnum;
  const isList = inner instanceof z.ZodArray;
  const isObject = inner instanceof z.ZodRecord;
  const candidate = isBool ? (raw === 'true' || raw === 'on' || raw === 'yes' ? true : raw === 'false' || raw === 'off' || raw === 'no' ? false : raw) : isText ? raw : isList ? listOf(raw) : isObject ? jsonOf(raw) : Number(raw);
  const parsed = shape.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // "item 2 must not be empty": which of a list is wrong.
    const item = typeof issue?.path[0] === 'number' ? `item ${issue.path[0] + 1} ` : isObject && issue?.path.length ? `${issue.path.join('.')}: ` : '';
    const want = isBool ? 'true or false' : isObject && typeof candidate === 'string' ? 'must be a JSON object' : issue ? item + issue.message : isText ? 'text' : 'a number';
    throw new Error(`${key}: "${raw}" is not valid (${want})`);
  }
  return { name: key, value: parsed.data };
}

/** `a|b` as a list; `[...]` as JSON (for an empty list, or items holding a "|"). */
function listOf(raw: string): unknown {
  if (!raw.startsWith('[')) return raw.split('|');
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** JSON, or the text as given (then reported as not valid, with what it takes). */
function jsonOf(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** A setting's value as `parseSetting` reads it back (lists joined by "|", maps as JSON). */
export function settingText(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  if (!Array.isArray(value)) return String(value);
  return value.length === 0 || value.some((v) => String(v).includes('|')) ? JSON.stringify(value) : value.join('|');
}

/**
 * `base` with `patch` applied, a setting given as null or undefined unset; throws a message
 * naming the first setting that is unknown or not valid. What `npm run site -- set` and
 * `PATCH /v1/admin/sites/:id` both do.
 */
export function applySettings(base: SiteSettings, patch: Record<string, unknown>): SiteSettings {
  const next: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete next[name];
    else next[name] = value;
  }
  const parsed = siteSettingsSchema.safeParse(next);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') throw new Error(`unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  // suggestions[1], as the list was sent.
  const where = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('');
  throw new Error(`setting "${where}" ${issue.message}`);
}
