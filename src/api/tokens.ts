import { createHash, randomBytes } from "node:crypto";

import { SCOPES_BY_LEVEL } from "./scopes.ts";

/** Scopes of an admin token: everything the Sentry API surface here needs (levels: src/api/scopes.ts). */
export const ADMIN_SCOPES = [...SCOPES_BY_LEVEL.admin];

/**
 * Mints an organization token in Sentry's `sntrys_` format: sentry-cli reads the base URL and the
 * organization from its payload, so `sentry-cli --auth-token …` needs no other configuration.
 */
export function mintApiToken(publicUrl: string, orgSlug: string, nowSeconds: number): string {
  const payload = { iat: nowSeconds, url: publicUrl, region_url: publicUrl, org: orgSlug };
  const secret = randomBytes(32).toString("base64").replace(/=+$/, "");
  return `sntrys_${Buffer.from(JSON.stringify(payload)).toString("base64")}_${secret}`;
}

/** Tokens are stored only as their SHA-256: a leaked database does not leak working tokens. */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The last characters of a token, shown in listings so a user can tell tokens apart. */
export function tokenHint(token: string): string {
  return "…" + token.slice(-6);
}
