/**
 * The Markdown an answer may use, parsed to a small tree that is only ever rendered as text
 * nodes and a fixed set of elements: raw HTML in the text stays text, and a link whose scheme
 * is not http(s) or mailto stays text too. Parsing the whole answer again on every delta is
 * cheap at chat sizes and copes with a stream that stops mid-syntax (it shows as typed).
 */

export type Inline =
  | string
  | { t: 'b' | 'i'; c: Inline[] }
  | { t: 'code'; v: string }
  | { t: 'a'; href: string; c: Inline[] }
  | { t: 'cite'; n: number }
  | { t: 'br' };

export type Block =
  | { t: 'p' | 'h' | 'quote'; c: Inline[] }
  | { t: 'ul'; items: Inline[][] }
  | { t: 'ol'; items: Inline[][]; start: number }
  | { t: 'pre'; v: string };

const SAFE_SCHEME = /^(https?|mailto):/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The href to use, or null when the link must not be one (javascript:, data:, vbscript:…). */
export function safeUrl(raw: string): string | null {
  const url = raw.trim();
  // Control characters and spaces are how scheme filters get fooled ("java\tscript:").
  if (!url || /[\u0000-\u0020\u007f-\u009f]/.test(url)) return null;
  // Browsers read a backslash as a slash: \\evil.example and /\evil.example both lead to evil.example.
  if (url.includes('\\')) return null;
  if (SAFE_SCHEME.test(url)) return url;
  return ANY_SCHEME.test(url) || url.startsWith('//') ? null : url;
}

const LIST = /^\s{0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/;
const FENCE = /^\s{0,3}(```|~~~)/;

export function parseMarkdown(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ t: 'p', c: inline(para.join('\n')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      while (++i < lines.length && !lines[i].trimStart().startsWith(fence[1])) body.push(lines[i]);
      blocks.push({ t: 'pre', v: body.join('\n') });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ t: 'h', c: inline(heading[1]) });
      continue;
    }
    const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
    if (quote) {
      flush();
      const body = [quote[1]];
      while (i + 1 < lines.length && /^\s{0,3}>/.test(lines[i + 1])) body.push(lines[++i].replace(/^\s{0,3}>\s?/, ''));
      blocks.push({ t: 'quote', c: inline(body.join('\n')) });
      continue;
    }
    const item = LIST.exec(line);
    if (item && (para.length === 0 || item[1] || item[2] === '1')) {
      flush();
      const ordered = item[2] !== undefined;
      const items: string[] = [item[3]];
      // Items of the same kind, and indented lines that continue the last one (nesting is flattened).
      while (i + 1 < lines.length) {
        const next = LIST.exec(lines[i + 1]);
        if (next) {
          if ((next[2] !== undefined) !== ordered) break;
          items.push(next[3]);
        } else if (/^\s+\S/.test(lines[i + 1])) items[items.length - 1] += '\n' + lines[i + 1].trim();
        else break;
        i++;
      }
      const parsed = items.map((s) => inline(s));
      blocks.push(ordered ? { t: 'ol', items: parsed, start: Number(item[2]) } : { t: 'ul', items: parsed });
      continue;
    }
    para.push(line);
  }
  flush();
  return blocks;
}

// One alternative per construct, tried left to right; the first to match at a position wins.
const INLINE = new RegExp(
  [
    String.raw`\\([\\\`*_[\]()#+\-.!>~|])`, // 1: an escaped character
    String.raw`(\`+)([^\`]|[^\`][\s\S]*?[^\`])\2(?!\`)`, // 2,3: code
    String.raw`(\*\*|__)(?=\S)([\s\S]*?\S)\4(?!\w)`, // 4,5: bold
    String.raw`(?<![\w*])([*_])(?=[^\s*_])([\s\S]*?[^\s\\])\6(?![\w*])`, // 6,7: italic
    String.raw`\[([^\]\n]+)\]\(\s*<?([^\s<>()]*(?:\([^\s()]*\)[^\s<>()]*)*)>?(?:\s+"[^"\n]*")?\s*\)`, // 8,9: link
    String.raw`\[(\d{1,3})\]`, // 10: a citation
    String.raw`\b(https?:\/\/[^\s<>"]*[^\s<>".,:;'")\]!?*_])`, // 11: a bare URL
    String.raw`( {2,}|\\)?\n`, // 12: a line break
  ].join('|'),
  'g',
);

export function inline(text: string): Inline[] {
  const out: Inline[] = [];
  const push = (x: Inline) => {
    if (typeof x === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += x;
    else if (x !== '') out.push(x);
  };
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    push(text.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[1] !== undefined) push(m[1]);
    else if (m[3] !== undefined) push({ t: 'code', v: m[3].length > 2 && m[3].startsWith(' ') && m[3].endsWith(' ') ? m[3].slice(1, -1) : m[3] });
    else if (m[5] !== undefined) push({ t: 'b', c: inline(m[5]) });
    else if (m[7] !== undefined) push({ t: 'i', c: inline(m[7]) });
    else if (m[8] !== undefined) {
      const href = safeUrl(m[9]);
      // An unsafe link keeps its words and drops the target.
      if (href) push({ t: 'a', href, c: inline(m[8]) });
      else for (const x of inline(m[8])) push(x);
    } else if (m[10] !== undefined) push({ t: 'cite', n: Number(m[10]) });
    else if (m[11] !== undefined) push({ t: 'a', href: m[11], c: [m[11]] });
    else push({ t: 'br' });
  }
  push(text.slice(last));
  return out;
}
