/**
 * Helpers over the API's issue search syntax (`is:unresolved level:error release:"api@2.4.1" text`):
 * the filter controls read and write single `key:value` terms of the search box so the box stays
 * the one source of truth and every filter is visible, editable text.
 */

interface Term { raw: string; key?: string; value?: string; negate: boolean; quoted: boolean }

const TERM = /(!?)([A-Za-z_][\w.\-]*):(?:"((?:[^"\\]|\\.)*)"|(\S*))|"((?:[^"\\]|\\.)*)"|(\S+)/g;

/** Splits a query into terms, keeping each term's original text. */
export function tokenizeQuery(query: string): Term[] {
  const terms: Term[] = [];
  for (const m of query.matchAll(TERM)) {
    const [raw, bang, key, quoted, bare, quotedText] = m;
    if (key !== undefined) terms.push({ raw, key: key.toLowerCase(), value: (quoted ?? bare ?? "").replace(/\\(.)/g, "$1"), negate: bang === "!", quoted: quoted !== undefined });
    else terms.push({ raw, negate: false, quoted: quotedText !== undefined });
  }
  return terms;
}

/**
 * The value of the first non-negated `key:` term, or undefined.
 * @example getQueryFilter('is:unresolved release:"api 2"', "release") // "api 2"
 */
export function getQueryFilter(query: string, key: string): string | undefined {
  return tokenizeQuery(query).find((t) => t.key === key.toLowerCase() && !t.negate)?.value;
}

/**
 * Replaces every `key:` term with `key:value` (quoted when needed), or removes them when value is
 * empty; other terms keep their text and order, the new term goes where the first old one was.
 * @example setQueryFilter("is:unresolved timeout", "level", "error") // "is:unresolved timeout level:error"
 */
export function setQueryFilter(query: string, key: string, value: string | undefined): string {
  const k = key.toLowerCase();
  const terms = tokenizeQuery(query);
  const replacement = value ? `${key}:${quoteValue(value)}` : undefined;
  const out: string[] = [];
  let placed = false;
  for (const t of terms) {
    if (t.key === k) {
      if (!placed && replacement) out.push(replacement);
      placed = true;
      continue;
    }
    // a stray quote in a bare term would pair with the quotes of a term written after it: escape it
    // (the parser reads `\"` in a bare term as `"`, so the term means the same)
    out.push(t.quoted ? t.raw : t.raw.replace(/(?<!\\)"/g, '\\"'));
  }
  if (!placed && replacement) out.push(replacement);
  return out.join(" ");
}

/** Quotes a filter value that contains spaces, quotes or backslashes (the parser unescapes `\x` even in bare values). */
export function quoteValue(value: string): string {
  return /[\s"\\]/.test(value) ? `"${value.replace(/(["\\])/g, "\\$1")}"` : value;
}

/** The default triage search: what `/` shows. */
export const DEFAULT_QUERY = "is:unresolved";
