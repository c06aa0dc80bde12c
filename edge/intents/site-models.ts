/**
 * Each site's own intent model, as this process (or isolate) holds it. A site is read from the
 * database the first time one of its messages is classified; after that its version is checked
 * at most every CHECK_MS, in the background, so a new training replaces the model everywhere
 * within seconds, without a restart and without a query on the path of each message.
 * One per process or isolate (Deps.siteIntents).
 */
import type { Clock, Db, Logger } from '../core/ports';

/** How stale a process's copy of a site's model may be. */
export const CHECK_MS = 5_000;

/** A trained model as loaded: a site label with its probability, or null when no intent clears its threshold. */
export interface LoadedModel {
  /** The site's intents (out of scope aside): what a remote model is offered beside the built-in ones. */
  readonly labels?: readonly string[];
  /** The embedder whose vector the model can also read (null or unset: n-grams only). */
  readonly embedding?: { model: string } | null;
  /** `embedding`: the message's vector from that embedder, when the caller has it. `features`: what the answer was read from. */
  predict(text: string, embedding?: ArrayLike<number> | null): { label: string; score: number; features?: string } | null;
}

/** The database is the caller's (per request on Workers); what is held is this process's. */
export type SiteModelsDb = Pick<Db, 'intents'>;

interface Held<M> {
  version: string | null;
  model: M | undefined;
  checkedAt: number;
  checking?: Promise<void>;
}

export class SiteModels<M extends LoadedModel = LoadedModel> {
  private readonly held = new Map<string, Held<M>>();

  constructor(
    private readonly deps: { clock: Clock; log: Logger },
    /** Builds the model from its stored JSON; throws on a model it cannot read. */
    private readonly load: (stored: unknown) => M,
    private readonly checkMs = CHECK_MS,
  ) {}

  /** The site's model, or undefined when it has none (or it cannot be read): the built-in intents serve. */
  async get(db: SiteModelsDb, siteId: string): Promise<M | undefined> {
    const held = this.held.get(siteId);
    if (!held) {
      await this.refresh(db, siteId);
      return this.held.get(siteId)?.model;
    }
    if (this.deps.clock.now() - held.checkedAt >= this.checkMs && !held.checking) {
      held.checking = this.refresh(db, siteId);
    }
    return held.model;
  }

  /** The version held for the site (null: none), for reports of which model answered. */
  version(siteId: string): string | null {
    return this.held.get(siteId)?.version ?? null;
  }

  /** Read again at its next use: this process just trained it (or deleted it). */
  forget(siteId: string): void {
    this.held.delete(siteId);
  }

  /** Loads every site's model now (a process's start), so no first message waits for it. */
  async preload(db: SiteModelsDb, siteIds: string[]): Promise<void> {
    await Promise.all(siteIds.map((id) => this.refresh(db, id)));
  }

  private async refresh(db: SiteModelsDb, siteId: string): Promise<void> {
    const before = this.held.get(siteId);
    const checkedAt = this.deps.clock.now();
    try {
      const version = await db.intents.version(siteId);
      if (before && version === before.version) return void this.held.set(siteId, { ...before, checkedAt, checking: undefined });
      const row = version === null ? null : await db.intents.get(siteId);
      this.held.set(siteId, { version: row?.version ?? null, model: row ? this.loaded(siteId, row) : undefined, checkedAt });
      if (before && row) this.deps.log.info('intent model replaced', { site: siteId, version: row.version });
    } catch (err) {
      // Keep what was held (or nothing: the built-in intents) and try again after CHECK_MS.
      this.deps.log.warn('could not read the site\'s intent model', { site: siteId, error: String(err) });
      this.held.set(siteId, { version: before?.version ?? null, model: before?.model, checkedAt });
    }
  }

  /** A model this code cannot read serves nobody; it is read again only when a new training replaces it. */
  private loaded(siteId: string, row: { model: unknown; version: string }): M | undefined {
    try {
      return this.load(row.model);
    } catch (err) {
      this.deps.log.warn("the site's intent model cannot be read: the built-in intents serve it until it is trained again", { site: siteId, version: row.version, error: String(err) });
      return undefined;
    }
  }
}
