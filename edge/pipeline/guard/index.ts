/**
 * What an answer may not show, whatever the model was talked into: the system prompt (a
 * refusal replaces a recital of it) and links to anywhere but the answer's sources and the
 * site's own origins. Text streams through `push` and `flush`; each guard holds back only the
 * little it cannot decide yet (the last word, an unfinished markdown link, a run of the
 * prompt's words).
 */
import { LeakGuard } from './leak';
import { LinkGuard } from './links';

export { hostOf, LinkGuard } from './links';
export { LEAK_WORDS, LeakGuard, words } from './leak';

export interface OutputGuardOptions {
  /** Hosts (or absolute URLs) links may lead to. */
  hosts: Iterable<string>;
  /** The instructions the answer must never recite. */
  secret: string;
  /** Said instead of a recital. */
  refusal: string;
}

export class OutputGuard {
  private readonly leak: LeakGuard;
  private readonly links: LinkGuard;

  constructor(o: OutputGuardOptions) {
    this.leak = new LeakGuard(o.secret, o.refusal);
    this.links = new LinkGuard(o.hosts);
  }

  /** A source found while answering: its host may be linked to. */
  allowUrl(url: string | undefined): void {
    this.links.allowHost(url);
  }

  push(text: string): string {
    const said = this.leak.push(text);
    return said ? this.links.push(said) : '';
  }

  flush(): string {
    const said = this.leak.flush();
    return (said ? this.links.push(said) : '') + this.links.flush();
  }

  /** What the guard changed: links taken out, and whether a recital was refused. */
  report(): { linksRemoved: number; leakRefused: boolean } {
    return { linksRemoved: this.links.removed, leakRefused: this.leak.leaked };
  }
}
