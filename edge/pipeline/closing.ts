/**
 * The answer's closing steps, as its parts stream: the output guard (no recital of the system
 * prompt, no link but to the sources and the site), citations kept to the sources given (and
 * numbered as the visitor reads them), sources found by tools on the way, tokens and their
 * cost, and whether a fallback answered. The conversation layer only streams what `take`
 * returns and stores what `close` gives.
 */
import type { Citation, IntentName } from '@support-chat/protocol';
import { CitationGuard } from '../core/citations';
import type { AnswerPart, MessageUsage, Source, Usage } from '../core/ports';
import { phrase } from '../language';
import { answerUsage } from '../providers/openai/pricing';
import { PROMPT_INSTRUCTIONS } from '../providers/openai/prompt';
import type { CachedAnswer } from './cache';
import { OutputGuard } from './guard';
import type { PreparedAnswer } from './prepared';

export interface ClosedAnswer {
  intent: IntentName;
  citations: Citation[];
  confidence: number;
  handoff: boolean;
  usage: MessageUsage | null;
  /** The visitor asked for a person: a ticket is opened. */
  wantsPerson: boolean;
  /** What the answer cache may keep, under which key; null when it must not. */
  cache: { key: string; answer: CachedAnswer } | null;
  /** What the output guard took out: links to elsewhere, a recital of the prompt. */
  guarded: { linksRemoved: number; leakRefused: boolean };
}

export class AnswerClosing {
  private prepared: PreparedAnswer | null = null;
  private guard: CitationGuard | null = null;
  private output: OutputGuard | null = null;
  /** Sources the model found while answering (tool results): citable like the others. */
  private readonly found: Source[] = [];
  private readonly usage: Usage[] = [];
  private fallback = false;

  /** The answer is about to stream from `prepared`. */
  begin(prepared: PreparedAnswer): void {
    this.prepared = prepared;
    // Sources are cited as the visitor reads them: the first one cited is [1], with no gaps.
    this.guard = new CitationGuard(new Set(prepared.sources.map((s) => s.n)), { renumber: true });
    this.output = new OutputGuard({
      hosts: [...(prepared.linkHosts ?? []), ...prepared.sources.map((s) => s.url ?? '')],
      secret: PROMPT_INSTRUCTIONS,
      refusal: phrase('refused', prepared.language),
    });
  }

  /** The visible text a part adds ('' for none). */
  take(part: AnswerPart): string {
    switch (part.type) {
      case 'source':
        this.found.push(part.source);
        this.guard?.allow(part.source.n);
        this.output?.allowUrl(part.source.url);
        return '';
      case 'usage':
        this.usage.push(part.usage);
        return '';
      case 'fallback':
        this.fallback = true;
        return '';
      case 'text': {
        const safe = part.text && this.output ? this.output.push(part.text) : '';
        return safe && this.guard ? this.guard.push(safe) : '';
      }
    }
  }

  /** What the output guard and the citation check still hold at the end of the stream. */
  flush(): string {
    const rest = this.output?.flush() ?? '';
    return (rest && this.guard ? this.guard.push(rest) : '') + (this.guard?.flush() ?? '');
  }

  /** Said when the answer failed: after what streamed, or instead of an answer. */
  failureNotice(streamed: string): string {
    const lang = this.prepared?.language;
    return streamed ? `\n\n_${phrase('interrupted', lang)}_` : phrase('unavailable', lang);
  }

  close(text: string, failed: boolean): ClosedAnswer {
    const prepared = this.prepared;
    const given = [...(prepared?.sources ?? []), ...this.found];
    const sources = this.guard?.cited(given) ?? [];
    const citations = this.guard?.citations(given) ?? [];
    const confidence = failed || !prepared ? 0 : round(prepared.confidence);
    // Sources given and none cited: the answerer found they do not answer, and said so (offering a person).
    const declined = !failed && prepared !== null && prepared.sources.length > 0 && citations.length === 0;
    const handoff = failed || !prepared || declined ? true : prepared.handoff;
    // Tokens are paid for even when the answer failed half-way: what was reported is recorded.
    const metered = answerUsage(this.usage, prepared?.embedding ?? null);
    const usage = metered && {
      model: metered.model,
      promptTokens: metered.promptTokens,
      completionTokens: metered.completionTokens,
      embeddingTokens: metered.embeddingTokens,
      costUsd: metered.costUsd,
    };
    // A fallback answer is not cached: the better one should be back once the provider is;
    // nor is one the guard had to mend: the next asker gets a fresh answer.
    const guarded = this.output?.report() ?? { linksRemoved: 0, leakRefused: false };
    const cacheable = prepared && !failed && prepared.cacheKey && !this.fallback && guarded.linksRemoved === 0 && !guarded.leakRefused;
    return {
      intent: prepared?.intent ?? 'other',
      citations,
      confidence,
      handoff,
      usage,
      wantsPerson: prepared?.wantsPerson === true,
      cache: cacheable ? { key: prepared.cacheKey!, answer: { intent: prepared.intent, text, sources, confidence: prepared.confidence, handoff } } : null,
      guarded,
    };
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
