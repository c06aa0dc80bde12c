/** What the admin page (`/admin`) reads of a site's activity: per day, and the questions left unanswered. */
import type { DayActivity } from '@support-chat/protocol/insights';

export type { DayActivity };

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
