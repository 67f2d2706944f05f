import { InvalidInputError } from "../errors.ts";

/** A search term of Sentry's search syntax. */
export type SearchToken =
  | { kind: "filter"; key: string; negate: boolean; op: "=" | ">" | ">=" | "<" | "<="; values: string[] }
  | { kind: "text"; value: string };

/** A search that cannot run: bad syntax, or a field or function LightTrace does not have (answered 400 by src/http/errors.ts). */
export class QuerySyntaxError extends InvalidInputError {
  override name = "QuerySyntaxError";
}

/**
 * Tokenizes Sentry's search syntax: `key:value`, `key:"quoted value"`, `!key:value` (negated),
 * `key:[a, "b"]` (any of), `key:>5` / `>=` / `<` / `<=`, `has:key`, quoted or bare free text.
 * `AND` between terms is the default and dropped; `OR` and parentheses are refused, since every
 * LightTrace search is a conjunction.
 * @example tokenizeSearch('level:error !environment:dev release:[1.0, "2.0"] timeout')
 */
export function tokenizeSearch(query: string): SearchToken[] {
  const out: SearchToken[] = [];
  const token = /(!?)([A-Za-z_][\w.\-[\]]*):(\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S*)|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of query.matchAll(token)) {
    const [, bang, key, rawValue, quotedText, word] = m;
    if (key !== undefined) {
      out.push(_filter(key, bang === "!", rawValue ?? ""));
      continue;
    }
    if (word !== undefined) {
      if (word === "AND") continue;
      if (word === "OR") throw new QuerySyntaxError("OR is not supported: LightTrace searches combine every term with AND");
      if (word.startsWith("(") || word.endsWith(")")) throw new QuerySyntaxError("parentheses are not supported: LightTrace searches combine every term with AND");
    }
    const text = (quotedText ?? word ?? "").replace(/\\(.)/g, "$1").trim();
    if (text) out.push({ kind: "text", value: text });
  }
  return out;
}

// --- Internal ---

function _filter(key: string, negate: boolean, raw: string): SearchToken {
  if (raw === "") throw new QuerySyntaxError(`search filter "${key}:" has no value`);
  if (raw.startsWith("[")) {
    const values = [...raw.slice(1, -1).matchAll(/"((?:[^"\\]|\\.)*)"|([^,\s][^,]*)/g)]
      .map((v) => (v[1] ?? v[2] ?? "").replace(/\\(.)/g, "$1").trim()).filter((v) => v !== "");
    if (values.length === 0) throw new QuerySyntaxError(`search filter "${key}:[]" lists no values`);
    return { kind: "filter", key, negate, op: "=", values };
  }
  if (raw.startsWith('"')) return { kind: "filter", key, negate, op: "=", values: [raw.slice(1, -1).replace(/\\(.)/g, "$1")] };
  const cmp = /^(>=|<=|>|<)(.+)$/.exec(raw);
  if (cmp) return { kind: "filter", key, negate, op: cmp[1] as ">" | ">=" | "<" | "<=", values: [cmp[2]!] };
  return { kind: "filter", key, negate, op: "=", values: [raw] };
}
