/**
 * The sealed columns as a whole: how many values each key sealed (`npm run encryption --
 * status`), and rotation, which re-seals under the current key what older keys sealed. Rotation
 * walks each table in key order a batch at a time (short statements beside live traffic), and
 * writes a value back only if the row still holds what was read, so a visitor's concurrent edit
 * (a changed feedback comment) or a second process rotating at once is never overwritten.
 */
import { sql, type SQL } from 'drizzle-orm';
import { kidOf, SEALED_PREFIX } from '../../core/crypto';
import type { Db, RotateSummary, SealedColumnStatus } from '../../core/ports';
import { rowsOf, type Orm } from './repos/orm';
import { aad, type Sealing } from './sealing';

interface SealedColumn {
  name: string;
  table: string;
  column: string;
  /** The primary key, in order: what the walk pages by and the associated data names. */
  key: string[];
  aad(key: string[]): string;
  /** SQL for the row's site (table alias `t`), for the per-site choice on message text. */
  site?: string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { name: 'messages.text', table: 'messages', column: 'text', key: ['id'], aad: ([id]) => aad.message(id), site: '(select c.site_id from conversations c where c.id = t.conversation_id)' },
  { name: 'tickets.reason', table: 'tickets', column: 'reason', key: ['id'], aad: ([id]) => aad.ticket(id) },
  { name: 'tickets.contact_email', table: 'tickets', column: 'contact_email', key: ['id'], aad: ([id]) => aad.ticketContact(id) },
  { name: 'feedback.comment', table: 'feedback', column: 'comment', key: ['conversation_id', 'answer_id'], aad: ([c, a]) => aad.feedback(c, a) },
  { name: 'orders.email', table: 'orders', column: 'email', key: ['site_id', 'number'], aad: ([s, n]) => aad.order(s, n) },
];

const SEALED_LIKE = `${SEALED_PREFIX}%`;
const MAX_ERRORS = 5;

export function sealedColumns(db: Orm, sealing: Sealing): NonNullable<Db['encryption']> {
  return {
    async status() {
      const out: SealedColumnStatus[] = [];
      for (const c of SEALED_COLUMNS) {
        const col = sql.identifier(c.column);
        const table = sql.identifier(c.table);
        const kids = rowsOf<{ kid: string; n: number }>(
          await db.execute(sql`select split_part(${col}, ':', 3) as kid, count(*)::int as n from ${table} where ${col} like ${SEALED_LIKE} group by 1 order by 1`),
        );
        const [plain] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${table} where ${col} is not null and ${col} not like ${SEALED_LIKE}`));
        out.push({ column: c.name, sealed: Object.fromEntries(kids.map((k) => [k.kid, Number(k.n)])), plain: Number(plain?.n ?? 0) });
      }
      return out;
    },

    async rotate(opts = {}) {
      const { cipher } = sealing;
      const summary: RotateSummary = { kid: cipher.currentKid, resealed: 0, failed: 0, errors: [] };
      const kid = cipher.currentKid;
      if (kid === null) return summary;
      const batch = Math.max(1, opts.batch ?? 100);
      for (const c of SEALED_COLUMNS) {
        const col = sql.identifier(c.column);
        const keys = sql.join(c.key.map((k) => sql.identifier(k)), sql`, `);
        const stale = sql`(${col} like ${SEALED_LIKE} and split_part(${col}, ':', 3) <> ${kid})`;
        const wanted = opts.plain ? sql`(${stale} or (${col} is not null and ${col} not like ${SEALED_LIKE}))` : stale;
        const site = c.site ? sql`, ${sql.raw(c.site)} as site` : sql``;
        let after: string[] | null = null;
        let resealed = 0;
        let failed = 0;
        while (!opts.signal?.aborted) {
          const past: SQL = after ? sql` and (${keys}) > (${sql.join(after.map((v) => sql`${v}`), sql`, `)})` : sql``;
          const rows = rowsOf<Record<string, string>>(
            await db.execute(sql`select ${keys}, ${col} as value${site} from ${sql.identifier(c.table)} t where ${wanted}${past} order by ${keys} limit ${batch}`),
          );
          for (const row of rows) {
            const key = c.key.map((k) => String(row[k]));
            // A site that keeps its message text in the clear keeps it so; sealed text stays sealed.
            if (kidOf(row.value) === null && row.site && sealing.sealMessages && !(await sealing.sealMessages(row.site))) continue;
            let fresh: string;
            try {
              fresh = await cipher.seal(await cipher.open(row.value, c.aad(key)), c.aad(key));
            } catch (err) {
              failed++;
              if (summary.errors.length < MAX_ERRORS) summary.errors.push(`${c.name}: ${err instanceof Error ? err.message : String(err)}`);
              continue;
            }
            const match = sql.join([...c.key.map((k, i) => sql`${sql.identifier(k)} = ${key[i]}`), sql`${col} = ${row.value}`], sql` and `);
            await db.execute(sql`update ${sql.identifier(c.table)} set ${col} = ${fresh} where ${match}`);
            resealed++;
          }
          if (rows.length > 0) opts.onProgress?.({ column: c.name, resealed, failed });
          if (rows.length < batch) break;
          const last = rows[rows.length - 1];
          after = c.key.map((k) => String(last[k]));
        }
        summary.resealed += resealed;
        summary.failed += failed;
      }
      return summary;
    },
  };
}
