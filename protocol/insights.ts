/**
 * The admin page's wire: what `GET /v1/admin/sites/:id/insights?days=` returns (admin token,
 * `read` scope). Typed once for the server (edge/insights) and the page (sdk/admin).
 */

/** One UTC day of a site's activity. */
export interface DayActivity {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Assistant answers ended that day. */
  answers: number;
  /** Of them, answers to a question that cited nothing: a refusal, a failure or a decline. */
  unanswered: number;
  /** Conversations begun that day in which the visitor wrote. */
  conversations: number;
  /** Of them, conversations with a cited answer and no ticket: resolved without a person. */
  resolved: number;
  /** Tickets opened that day (hand-offs to a person). */
  handoffs: number;
  feedbackUp: number;
  feedbackDown: number;
  /** Known LLM and embedding spend of that day's answers, USD; 0 on the embedded answerer. */
  costUsd: number;
}

/** Wordings of one unanswered question, grouped by meaning. */
export interface UnansweredGroup {
  /** The wording asked most often (the newest among equals). */
  question: string;
  count: number;
  /** ISO time it was last asked. */
  lastAt: string;
  /** Other wordings, up to three, newest first. */
  variants: string[];
}

export interface Insights {
  site: string;
  /** First and last day shown, `YYYY-MM-DD` UTC. */
  from: string;
  to: string;
  totals: Omit<DayActivity, 'day'> & {
    /** Resolved without a person, of conversations begun; null with none. */
    resolutionRate: number | null;
    /** Thumbs up, of all ratings; null with none. */
    satisfaction: number | null;
  };
  /** One row per day from `from` to `to`, quiet days as zeros. */
  daily: DayActivity[];
  /** The most asked first, ten at most. */
  unanswered: UnansweredGroup[];
}
