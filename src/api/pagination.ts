import { z } from "zod";

/** A `cursor` query parameter: `<value>:<offset>:<is_prev>`. */
export const CURSOR_PARAM = z.string().regex(/^\d{1,15}:\d{1,9}:[01]$/, "expected a cursor like 0:100:0").optional();

/**
 * Sentry-style cursors (`<value>:<offset>:<is_prev>`) and the `Link` header its clients follow.
 * LightTrace pages by offset, so the value part is always 0.
 */
export function parseCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const m = /^\d+:(\d+):[01]$/.exec(cursor);
  if (!m) throw new Error(`invalid cursor "${cursor.slice(0, 40)}" (expected value:offset:is_prev)`);
  return Number(m[1]);
}

export function linkHeader(url: URL, offset: number, limit: number, hasMore: boolean): string {
  const link = (cursorOffset: number, isPrev: 0 | 1, rel: string, results: boolean) => {
    const u = new URL(url);
    const cursor = `0:${cursorOffset}:${isPrev}`;
    u.searchParams.set("cursor", cursor);
    return `<${u.toString()}>; rel="${rel}"; results="${results}"; cursor="${cursor}"`;
  };
  return [
    link(Math.max(0, offset - limit), 1, "previous", offset > 0),
    link(offset + limit, 0, "next", hasMore),
  ].join(", ");
}
