/**
 * Keeps an answer's links to where the site may send its visitors: the hosts of the answer's
 * own sources and the site's own origins. A link anywhere else is what an injected instruction
 * wants (a phishing page, or a markdown image whose URL carries the conversation away), so it
 * is taken out of the text: a markdown link keeps its words, an image goes whole, a bare URL or
 * domain goes with the space before it. Relative links stay (they point at the site itself).
 *
 * Links are written in many ways: https://x, http:\\x, //x, \\x and /\x (browsers read a
 * backslash as a slash), x.example/path, www.x, [words](x), ![alt](x), <x>. Text streams in
 * pieces, so the last word (with the space before it) and an unfinished markdown link are held
 * until the next piece decides them; a split never changes what comes out.
 */

/** A markdown link or image, complete: [label](target "title"), with the space before it. */
const MD_LINK = /([ \t]?)(!?)\[([^[\]\n]{0,300})\]\(\s*<?([^\s<>()]{0,2048}(?:\([^\s()]{0,200}\)[^\s<>()]{0,500})?)>?(?:\s+"[^"\n]{0,200}")?\s*\)/gu;
/** A markdown link or image still being written at the end of the text. */
const MD_OPEN = /!?\[[^[\]\n]{0,300}(?:\](?:\([^()\n]{0,2048})?)?$/u;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?`;
/** Dots as browsers read them in a host name: ASCII and the ideographic and fullwidth ones. */
const DOT = '[.\u3002\uff0e\uff61]';
/**
 * TLDs read as a domain even without a path after them (any domain with a path is read as one).
 * Not the two-letter ones that are words too ("it", "in", "to", "me"): "free.It" is a typo.
 */
const TLDS =
  'com|net|org|info|biz|io|ai|app|dev|uk|ru|cn|jp|br|au|ca|eu|ly|gl|gg|tv|cc|ws|xyz|top|site|online|shop|store|click|link|live|page|pro|tech|cloud|club|icu|email|support|example|test|invalid|localhost|local|onion';
/**
 * Any link-like span: a URL with a scheme (slashes of either kind, or none); two slashes of
 * either kind before a host; a bare host with a path, port or www.; a bare host with a common TLD.
 */
const LINK = new RegExp(
  [
    String.raw`\b(?:https?|ftp|wss?):[\\/]*[^\s<>"'\x60]+`,
    String.raw`(?<![\p{L}\p{N}:])[\\/]{2,}[^\s<>"'\x60\\/]+[^\s<>"'\x60]*`,
    String.raw`(?<![\p{L}\p{N}@.\-\\/])(?:${LABEL}${DOT})+[\p{L}]{2,63}(?::\d{1,5})?[\\/][^\s<>"'\x60]*`,
    String.raw`(?<![\p{L}\p{N}@.\-\\/])www${DOT}(?:${LABEL}${DOT})+[\p{L}]{2,63}\b`,
    String.raw`(?<![\p{L}\p{N}@.\-\\/])(?:${LABEL}${DOT})+(?:${TLDS})(?![\p{L}\p{N}@-])`,
  ].join('|'),
  'giu',
);
/** A link with the space before it, which goes with it. */
const SPACED_LINK = new RegExp(String.raw`([ \t]?)(${LINK.source})`, 'giu');
/** What ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?'")\]*_]+$/u;
/** Held at most this long: past it, a hold is decided as it stands (a host is never this long). */
const MAX_HELD = 2600;

export class LinkGuard {
  private held = '';
  private readonly hosts = new Set<string>();
  /** Links taken out so far. */
  removed = 0;

  constructor(hosts: Iterable<string> = []) {
    for (const h of hosts) this.allowHost(h);
  }

  /** A host (or an absolute URL, whose host is taken) the answer may link to. */
  allowHost(hostOrUrl: string | undefined | null): void {
    if (!hostOrUrl) return;
    // A relative URL (a source on the site itself) names no other host.
    const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(hostOrUrl) ? hostOf(hostOrUrl) : /^[\p{L}\p{N}.-]+$/u.test(hostOrUrl) ? hostOrUrl.toLowerCase() : null;
    if (host && host !== '*') this.hosts.add(host.replace(/^www\./, ''));
  }

  /** The part of `text` (with anything held before) that is decided now. */
  push(text: string): string {
    const all = this.held + text;
    const cut = all.length > MAX_HELD ? all.length : undecidedFrom(all);
    this.held = all.slice(cut);
    return this.clean(all.slice(0, cut));
  }

  /** The rest, at the end of the stream. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return this.clean(rest);
  }

  /** Whether a link target may stay: relative, or to an allowed host (or a subdomain of one). */
  allows(target: string): boolean {
    const t = target.trim();
    if (/^mailto:/i.test(t)) return this.allowedHost(t.slice(t.indexOf('@') + 1).split(/[?#]/)[0]);
    if (/^[a-z][a-z0-9+.-]*:/i.test(t)) return /^https?:[\\/]*/i.test(t) ? this.allowedHost(hostOf(t)) : false;
    if (/^[\\/]{2}|^\/\\|\\/.test(t)) return this.allowedHost(hostOf(`http:${t}`));
    // A bare domain (evil.example/x) reads as a link in chat apps and mail: judged by its host.
    if (new RegExp(`^(?:${LABEL}${DOT})+[\\p{L}]{2,63}(?::\\d+)?(?:[\\\\/?#]|$)`, 'u').test(t)) return this.allowedHost(hostOf(`http://${t}`));
    return true; // relative: the site's own page
  }

  private allowedHost(host: string | null): boolean {
    if (!host) return false;
    const h = host.replace(/^www\./, '');
    for (const a of this.hosts) if (h === a || h.endsWith(`.${a}`)) return true;
    return false;
  }

  private clean(text: string): string {
    if (!text) return text;
    let out = text.replace(MD_LINK, (whole, space: string, bang: string, label: string, target: string) => {
      if (this.allows(target)) return whole;
      this.removed++;
      return bang ? '' : space + label;
    });
    out = out.replace(SPACED_LINK, (whole, _space: string, link: string) => {
      const tail = link.match(TRAILING)?.[0] ?? '';
      const url = link.slice(0, link.length - tail.length);
      if (!url || this.allows(url)) return whole;
      this.removed++;
      return tail;
    });
    return out;
  }
}

/** Where the undecided tail begins: the last word with the space before it, or an open markdown link. */
function undecidedFrom(all: string): number {
  let cut = all.search(/\s*\S*$/u);
  const open = all.match(MD_OPEN);
  if (open && open.index! < cut) cut = open.index!;
  // A complete markdown link that the cut falls inside is held whole.
  for (const m of all.matchAll(MD_LINK)) {
    if (m.index! < cut && cut < m.index! + m[0].length) {
      cut = m.index!;
      break;
    }
  }
  return cut;
}

/** The host a URL leads to as a browser reads it (a backslash is a slash, userinfo is not the host), or null. */
export function hostOf(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:[\\/]*([^\\/?#\s]*)/i.exec(url.trim());
  if (!m) return null;
  const authority = m[1].slice(m[1].lastIndexOf('@') + 1);
  const host = authority
    .replace(/:\d*$/, '')
    .replace(/[\u3002\uff0e\uff61]/g, '.')
    .replace(/\.$/, '')
    .toLowerCase();
  // Anything a plain host name cannot hold (percent escapes, brackets) is not a host we allow.
  return /^[\p{L}\p{N}.-]+$/u.test(host) ? host : null;
}
