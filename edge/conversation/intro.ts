/**
 * `ready.intro`: what the widget's empty panel shows. The site's own words where its owner set
 * them, else its most-asked FAQ entries as the suggestions.
 */
import type { Intro } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import type { Site } from '../core/ports';
import { mostAskedFaqs } from '../core/sites/most-asked';

/** Undefined when the suggestions cannot be read just now: a hello never fails for its intro. */
export async function introFor(deps: Pick<Deps, 'db' | 'sessions' | 'clock' | 'log'>, site: Site): Promise<Intro | undefined> {
  const { avatarUrl, replyTime, suggestions } = site.settings ?? {};
  let shown = suggestions;
  if (!shown) {
    try {
      shown = await mostAskedFaqs(deps, site.id);
    } catch (err) {
      deps.log.warn('could not read the most-asked questions; ready goes without intro', { site: site.id, error: String(err) });
      return undefined;
    }
  }
  return { title: site.name, ...(avatarUrl ? { avatar: avatarUrl } : {}), ...(replyTime ? { replyTime } : {}), suggestions: shown };
}
