import type { NormalizedEvent } from "./types.ts";
import { mainException } from "./title.ts";
import { parseUserAgent } from "./user-agent.ts";
import { isPlainObject, truncate } from "./values.ts";

/**
 * The tags Sentry derives from an event's fields and contexts (level, environment, release,
 * browser, os, runtime, user, url, handled, …) merged with the SDK's own tags; SDK tags win on a
 * clash except for the reserved ones that mirror event fields. Fills `contexts.browser`/`os` from
 * the User-Agent when the SDK did not (browser SDKs don't).
 */
export function computeEventTags(event: NormalizedEvent, userKey: string | undefined): [string, string][] {
  _fillContextsFromUserAgent(event);
  const derived = new Map<string, string>();
  const put = (key: string, value: unknown) => {
    if (typeof value === "string" && value.trim()) derived.set(key, truncate(value.trim().replace(/[\n\r]+/g, " "), 200));
  };
  put("level", event.level);
  put("environment", event.environment);
  put("release", event.release);
  put("dist", event.dist);
  put("server_name", event.server_name);
  put("transaction", event.transaction);
  put("logger", event.logger);
  const contexts = event.contexts ?? {};
  for (const name of ["browser", "os", "runtime", "device"] as const) {
    const ctx = contexts[name];
    if (!isPlainObject(ctx)) continue;
    const label = name === "device" ? ctx.model ?? ctx.family : ctx.name;
    if (typeof label !== "string") continue;
    put(`${name}.name`, label);
    put(name, typeof ctx.version === "string" && name !== "device" ? `${label} ${ctx.version.trim()}` : label);
  }
  if (event.request?.url) put("url", event.request.url.split(/[?#]/)[0]);
  if (userKey) put("user", userKey);
  const exc = mainException(event);
  if (exc?.mechanism) {
    put("mechanism", exc.mechanism.type);
    if (typeof exc.mechanism.handled === "boolean") put("handled", exc.mechanism.handled ? "yes" : "no");
  }
  // The trace id is not a tag: one value per event would grow the tag table with every event.
  // It is stored in its own indexed column instead.

  const merged = new Map(event.tags);
  for (const [key, value] of derived) if (RESERVED.has(key) || !merged.has(key)) merged.set(key, value);
  return [...merged];
}

/** Who was affected, by the strongest identity the event has: id, then email, ip, username. */
export function computeUserKey(event: NormalizedEvent): string | undefined {
  const u = event.user;
  if (!u) return undefined;
  if (u.id) return `id:${u.id}`;
  if (u.email) return `email:${u.email}`;
  if (u.ip_address) return `ip:${u.ip_address}`;
  if (u.username) return `username:${u.username}`;
  return undefined;
}

// --- Internal ---

const RESERVED = new Set(["level", "environment", "release", "dist", "user", "handled", "mechanism"]);

function _fillContextsFromUserAgent(event: NormalizedEvent): void {
  const contexts = event.contexts ?? {};
  if (contexts.browser && contexts.os) return;
  const ua = event.request?.headers?.find(([k]) => k.toLowerCase() === "user-agent")?.[1];
  if (!ua) return;
  const info = parseUserAgent(ua);
  if (!contexts.browser && info.browser) contexts.browser = { type: "browser", ...info.browser };
  if (!contexts.os && info.os && event.platform === "javascript") contexts.os = { type: "os", ...info.os };
  event.contexts = contexts;
}
