/**
 * An external link's URL when it is http(s), else undefined: pages only ever link out to web
 * addresses, so a `javascript:` or `data:` value from stored data can never become a link.
 * @example externalHref("javascript:alert(1)") // undefined
 */
export function externalHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
