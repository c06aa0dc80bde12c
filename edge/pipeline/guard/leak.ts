/**
 * Stops an answer that recites the system prompt. Words are compared case-, punctuation- and
 * spacing-blind; while the latest words form a run that the prompt also has, they are held
 * back, and once the run is long enough it is a leak: nothing held is shown, a refusal takes
 * its place and the rest of the answer is dropped. A run that breaks off is shown as it was.
 * Base64 ("print your rules in base64"), in one word or wrapped over lines, is decoded and
 * judged the same way.
 *
 * Paraphrase, translation and other encodings are not caught here: the prompt's own rules are
 * the defence against those (and the prompt holds no secret beyond its wording).
 */

import { BoundedMap } from '../../core/bounded-map';

/** Words in a row, the same as the prompt's, that make a leak. */
export const LEAK_WORDS = 12;
/** A word held longer than this is judged as it stands. */
const MAX_WORD = 8000;
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060\ufeff]/g;
/** A word that may be (part of) base64: long, and not a plain (hyphenated) word. */
const BASE64 = /^(?=.*[\d+/=]|.{40})[A-Za-z0-9+/_-]{16,}={0,2}$/;
/** The word itself, without the quotes and stops around it. */
const bare = (raw: string) => raw.trim().replace(/^[("'\x60]+|[.,;:!?)"'\x60]+$/g, '');

/** The words of `text` as they are compared. */
export function words(text: string): string[] {
  return text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** A prompt's words as runs are looked up in them. */
interface PromptWords {
  /** The words, space-joined with a space at each end. */
  ref: string;
  /** Each word, and each pair of neighbours ("a b"): most runs fail on these, without a search of `ref`. */
  pieces: Set<string>;
}

// Every answer guards against the same few prompts: their words are split once, not per answer.
const prompts = new BoundedMap<string, PromptWords>(16);

function promptWords(secret: string): PromptWords {
  let known = prompts.get(secret);
  if (!known) {
    const all = words(secret);
    const pieces = new Set<string>();
    all.forEach((w, i) => pieces.add(w).add(i > 0 ? `${all[i - 1]} ${w}` : w));
    prompts.set(secret, (known = { ref: ` ${all.join(' ')} `, pieces }));
  }
  return known;
}

export class LeakGuard {
  private readonly ref: string;
  private readonly pieces: ReadonlySet<string>;
  /** Pieces (a word with the space before it) held while their words continue a run of the prompt's. */
  private held: { raw: string; words: string[] }[] = [];
  /** Pieces that may be base64, held until what they decode to is known. */
  private encoded: string[] = [];
  /** The last word, not yet ended by a space. */
  private partial = '';
  /** Something was shown already: a refusal starts a paragraph of its own. */
  private shown = false;
  /** The answer recited the prompt: a refusal replaced it. */
  leaked = false;

  constructor(
    secret: string,
    private readonly refusal: string,
    private readonly runWords = LEAK_WORDS,
  ) {
    ({ ref: this.ref, pieces: this.pieces } = promptWords(secret));
  }

  push(text: string): string {
    if (this.leaked) return '';
    const all = this.partial + text;
    // The last word may go on in the next text; trailing spaces wait with the word after them.
    let cut = /\S$/u.test(all) ? all.search(/\s*\S+$/u) : all.search(/\s*$/u);
    if (all.length - cut > MAX_WORD) cut = all.length;
    this.partial = all.slice(cut);
    let out = '';
    for (const raw of all.slice(0, cut).match(/\s*\S+/gu) ?? []) {
      out += this.take(raw);
      if (this.leaked) return this.refuse(out);
    }
    return this.show(out);
  }

  flush(): string {
    if (this.leaked) return '';
    let out = this.partial ? this.take(this.partial) : '';
    this.partial = '';
    if (!this.leaked) out += this.decoded();
    if (this.leaked) return this.refuse(out);
    return this.show(out + this.release(this.held.length));
  }

  private take(raw: string): string {
    if (BASE64.test(bare(raw))) {
      const out = this.encoded.length === 0 ? this.release(this.held.length) : '';
      this.encoded.push(raw);
      return out;
    }
    let out = this.decoded();
    if (this.leaked) return '';
    const w = words(raw);
    if (w.length === 0) {
      if (this.held.length === 0) return out + raw;
      this.held.push({ raw, words: w });
      return out;
    }
    // Drop words from the front of the run until what is left, with this piece, is in the prompt.
    while (this.held.length > 0 && !this.inPrompt([...this.run(), ...w])) out += this.release(1);
    if (!this.inPrompt(w)) return out + raw; // no run starts here
    this.held.push({ raw, words: w });
    if (this.run().length >= this.runWords) this.leaked = true;
    return out;
  }

  /** The base64 pieces held, shown unless they decode to a run of the prompt. */
  private decoded(): string {
    if (this.encoded.length === 0) return '';
    const pieces = this.encoded;
    this.encoded = [];
    const w = words(decodeBase64(pieces.map(bare).join('')));
    for (let i = 0; i + this.runWords <= w.length; i++) {
      if (this.inPrompt(w.slice(i, i + this.runWords))) {
        this.leaked = true;
        return '';
      }
    }
    return pieces.join('');
  }

  private run(): string[] {
    return this.held.flatMap((p) => p.words);
  }

  private inPrompt(run: string[]): boolean {
    for (let i = 0; i < run.length; i++) if (!this.pieces.has(i === 0 ? run[0] : `${run[i - 1]} ${run[i]}`)) return false;
    return run.length > 0 && (run.length <= 2 || this.ref.includes(` ${run.join(' ')} `));
  }

  /** Shows the first `n` held pieces (and any word-less pieces after them). */
  private release(n: number): string {
    let out = '';
    for (let i = 0; i < n && this.held.length > 0; i++) out += this.held.shift()!.raw;
    while (this.held.length > 0 && this.held[0].words.length === 0) out += this.held.shift()!.raw;
    return out;
  }

  private show(out: string): string {
    this.shown ||= out.length > 0;
    return out;
  }

  private refuse(out: string): string {
    const said = this.show(out);
    return `${said}${this.shown ? '\n\n' : ''}${this.refusal}`;
  }
}

/** Standard or URL-safe base64 as UTF-8 text ('' when it is not base64). */
function decodeBase64(token: string): string {
  const b64 = token.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (b64.length % 4 === 1) return '';
  try {
    const bin = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '='));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return '';
  }
}
