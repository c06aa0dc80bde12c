/**
 * `ready.intro`: what the widget's empty panel shows. The site's own words where its owner set
 * them; for the suggestions, its `suggestions`, else those its intents carry (the `intents`
 * setting), else its most-asked FAQ entries.
 */
import type { Intro } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import type { Site } from '../core/ports';
import { mostAskedFaqs } from '../core/sites/most-asked';
import { MAX_SUGGESTIONS, type SiteSettings } from '../core/sites/settings';

/** The intents' own one-tap questions, in the order the setting names them, each once. */
function intentSuggestions(settings: SiteSettings): string[] | undefined {
  const all = Object.values(settings.intents ?? {}).flatMap((a) => a.suggestions ?? []);
  return all.length ? [...new Set(all)].slice(0, MAX_SUGGESTIONS) : undefined;
}

/** Undefined when the suggestions cannot be read just now: a hello never fails for its intro. */
export async function introFor(deps: Pick<Deps, 'db' | 'sessions' | 'clock' | 'log'>, site: Site): Promise<Intro | undefined> {
  const settings = site.settings ?? {};
  const { avatarUrl, replyTime } = settings;
  let shown = settings.suggestions ?? intentSuggestions(settings);
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
