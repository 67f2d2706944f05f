import { z } from "zod";
import { badRequest } from "../http/errors.ts";

/**
 * Sentry's cursors: opaque strings `<value>:<offset>:<is_prev>` that clients copy from the `Link`
 * header's `cursor="…"` and send back (sentry-cli sends `cursor=` for the first page). Everything
 * about them lives here, so a keyset paginator can replace an offset one behind the same format.
 *
 * - offset pagination (the default): value 0, offset = rows to skip;
 * - keyset pagination: value = the sort key of the last row served (a row id), offset 0.
 */
export interface Cursor {
  value: number;
  offset: number;
  isPrev: boolean;
}

/** A `cursor` query parameter: anything up to 100 characters, checked by `parseCursor`. */
export const CURSOR_PARAM = z.string().max(100, "a cursor is at most 100 characters").optional();

/** The page size of list endpoints: Sentry's `per_page` or `limit` (either may be sent). */
export function pageSize(q: { per_page?: number; limit?: number }, fallback: number): number {
  return q.per_page ?? q.limit ?? fallback;
}

/** Decodes a cursor; empty or absent is the first page. 400 names a cursor that is not one. */
export function decodeCursor(raw: string | undefined): Cursor {
  if (!raw) return { value: 0, offset: 0, isPrev: false };
  const m = /^(-?\d{1,16}(?:\.\d{1,6})?):(\d{1,9}):([01])$/.exec(raw.trim());
  if (!m) throw badRequest(`invalid cursor "${raw.slice(0, 40)}" (use the cursor from the Link header)`);
  return { value: Number(m[1]), offset: Number(m[2]), isPrev: m[3] === "1" };
}

export function encodeCursor(c: Cursor): string {
  return `${c.value}:${c.offset}:${c.isPrev ? 1 : 0}`;
}

/** The row offset an offset-paginated list starts at. */
export function parseCursor(cursor: string | undefined): number {
  const c = decodeCursor(cursor);
  return c.value > 0 ? 0 : c.offset;
}

/** `Link: <…>; rel="previous"; results=…; cursor=…, <…>; rel="next"; …` for an offset-paginated page. */
export function linkHeader(url: URL, offset: number, limit: number, hasMore: boolean): string {
  return offsetPageLinks(url, offset, limit, hasMore ? offset + limit : null);
}

/** The `Link` header of an offset page whose next page starts at `nextOffset` (null: none). */
export function offsetPageLinks(url: URL, offset: number, limit: number, nextOffset: number | null): string {
  const previous = offset > 0 ? { value: 0, offset: Math.max(0, offset - limit), isPrev: true } : null;
  return pageLinks(url, previous, nextOffset === null ? null : { value: 0, offset: nextOffset, isPrev: false });
}

/**
 * The `Link` header for any page: `previous`/`next` are the cursors of the neighbouring pages, or
 * null when there is none (then `results="false"` and a cursor that repeats this page, as Sentry does).
 */
export function pageLinks(url: URL, previous: Cursor | null, next: Cursor | null): string {
  const here = decodeCursor(url.searchParams.get("cursor") ?? undefined);
  const link = (cursor: Cursor | null, rel: "previous" | "next") => {
    const c = cursor ?? { ...here, isPrev: rel === "previous" };
    const u = new URL(url);
    u.searchParams.set("cursor", encodeCursor(c));
    return `<${u.toString()}>; rel="${rel}"; results="${cursor !== null}"; cursor="${encodeCursor(c)}"`;
  };
  return [link(previous, "previous"), link(next, "next")].join(", ");
}
