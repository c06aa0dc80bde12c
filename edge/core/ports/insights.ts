/** What the admin page (`/admin`) reads of a site's activity: per day, and the questions left unanswered. */

/** One UTC day of a site's activity. */
export interface DayActivity {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Assistant answers ended that day. */
  answers: number;
  /** Of them, answers to a question that cited nothing: a refusal, a failure or a decline. */
  unanswered: number;
  /** Conversations begun that day. */
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

/** A visitor's question whose answer cited nothing. */
export interface UnansweredQuestion {
  text: string;
  at: Date;
  /** The intent its answer was given under. */
  intent: string | null;
}

export interface InsightsRepo {
  /** Days from `since` on that had any activity, oldest first (quiet days are left out). */
  daily(siteId: string, since: Date): Promise<DayActivity[]>;
  /** The newest `limit` unanswered questions since `since`, newest first, opened if sealed. */
  unanswered(siteId: string, since: Date, limit: number): Promise<UnansweredQuestion[]>;
}
