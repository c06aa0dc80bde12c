/**
 * The admin page's figures (core/ports/insights.ts) in a few grouped reads. Days are UTC, as
 * the budget's day is. Sums come back as float8 and counts as int so every driver returns numbers.
 */
import { and, desc, eq, gte, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DayActivity, InsightsRepo } from '../../../core/ports';
import { conversations, feedback, messages, tickets } from '../schema';
import { aad, PLAIN, type Sealing } from '../sealing';
import type { Orm } from './orm';

/**
 * Intents whose answers cite nothing by design: a greeting, a request for a person (a ticket
 * follows), an order look-up (answered from the orders table, or asking for the number).
 */
const NOT_QUESTIONS = ['greeting', 'human', 'complaint', 'order_status'];

/** An answer that cited nothing to a question that wanted sources: refused, failed or declined. */
function citedNothing(a: { citations: AnyPgColumn; intent: AnyPgColumn }): SQL {
  return sql`(jsonb_array_length(${a.citations}) = 0 and coalesce(${a.intent}, 'other') not in (${sql.join(
    NOT_QUESTIONS.map((i) => sql`${i}`),
    sql`, `,
  )}))`;
}

const dayOf = (column: AnyPgColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;

export function insightsRepo(db: Orm, sealing: Sealing = PLAIN): InsightsRepo {
  return {
    async daily(siteId, since) {
      const answerDay = dayOf(messages.createdAt);
      const conversationDay = dayOf(conversations.createdAt);
      const ticketDay = dayOf(tickets.createdAt);
      const feedbackDay = dayOf(feedback.createdAt);
      // Spelled out: drizzle leaves a lone table's columns unqualified in a select list, where
      // the subqueries below would read `id` as their own row's.
      const conversationId = sql`${conversations}.${sql.identifier(conversations.id.name)}`;
      const [answers, begun, handoffs, ratings] = await Promise.all([
        db
          .select({
            day: answerDay,
            answers: sql<number>`count(*)::int`,
            unanswered: sql<number>`(count(*) filter (where ${citedNothing(messages)}))::int`,
            costUsd: sql<number>`coalesce(sum(${messages.costUsd}), 0)::float8`,
          })
          .from(messages)
          .innerJoin(conversations, eq(messages.conversationId, conversations.id))
          .where(and(eq(conversations.siteId, siteId), eq(messages.role, 'assistant'), gte(messages.createdAt, since)))
          .groupBy(answerDay),
        // A conversation counts once the visitor has said something: opening the widget is not one.
        db
          .select({
            day: conversationDay,
            conversations: sql<number>`count(*)::int`,
            resolved: sql<number>`(count(*) filter (where
              exists (select 1 from ${messages} m where m.conversation_id = ${conversationId} and m.role = 'assistant' and jsonb_array_length(m.citations) > 0)
              and not exists (select 1 from ${tickets} t where t.conversation_id = ${conversationId})))::int`,
          })
          .from(conversations)
          .where(
            and(
              eq(conversations.siteId, siteId),
              gte(conversations.createdAt, since),
              sql`exists (select 1 from ${messages} u where u.conversation_id = ${conversations.id} and u.role = 'user')`,
            ),
          )
          .groupBy(conversationDay),
        db
          .select({ day: ticketDay, n: sql<number>`count(*)::int` })
          .from(tickets)
          .where(and(eq(tickets.siteId, siteId), gte(tickets.createdAt, since)))
          .groupBy(ticketDay),
        db
          .select({
            day: feedbackDay,
            up: sql<number>`(count(*) filter (where ${feedback.rating} = 'up'))::int`,
            down: sql<number>`(count(*) filter (where ${feedback.rating} = 'down'))::int`,
          })
          .from(feedback)
          .innerJoin(conversations, eq(feedback.conversationId, conversations.id))
          .where(and(eq(conversations.siteId, siteId), gte(feedback.createdAt, since)))
          .groupBy(feedbackDay),
      ]);
      const days = new Map<string, DayActivity>();
      const of = (day: string): DayActivity => {
        let d = days.get(day);
        if (!d) {
          d = { day, answers: 0, unanswered: 0, conversations: 0, resolved: 0, handoffs: 0, feedbackUp: 0, feedbackDown: 0, costUsd: 0 };
          days.set(day, d);
        }
        return d;
      };
      for (const r of answers) Object.assign(of(r.day), { answers: Number(r.answers), unanswered: Number(r.unanswered), costUsd: Number(r.costUsd) });
      for (const r of begun) Object.assign(of(r.day), { conversations: Number(r.conversations), resolved: Number(r.resolved) });
      for (const r of handoffs) of(r.day).handoffs = Number(r.n);
      for (const r of ratings) Object.assign(of(r.day), { feedbackUp: Number(r.up), feedbackDown: Number(r.down) });
      return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
    },

    async unanswered(siteId, since, limit) {
      const answer = alias(messages, 'answer');
      const question = alias(messages, 'question');
      const rows = await db
        .select({ id: question.id, text: question.text, at: question.createdAt, intent: answer.intent })
        .from(answer)
        .innerJoin(conversations, eq(answer.conversationId, conversations.id))
        .innerJoin(question, and(eq(question.conversationId, answer.conversationId), eq(question.role, 'user'), eq(question.clientId, answer.replyTo)))
        .where(and(eq(conversations.siteId, siteId), eq(answer.role, 'assistant'), gte(answer.createdAt, since), citedNothing(answer)))
        .orderBy(desc(answer.createdAt), desc(answer.n))
        .limit(limit);
      return Promise.all(
        rows.map(async (r) => ({ text: await sealing.cipher.open(r.text, aad.message(r.id)), at: new Date(r.at), intent: r.intent ?? null })),
      );
    },
  };
}
