import { createHash } from "node:crypto";
import { getCookie, type H3Event } from "h3";

/** How long a browser stays signed in. */
export const LOGIN_LIFETIME_SEC = 30 * 24 * 3600;

/**
 * The login cookie's name, one per port: browsers share cookies across ports of a host, and two
 * local servers must not clash. The wire name keeps its original spelling ("lighttrace_session_…")
 * so that browsers signed in before an upgrade stay signed in.
 */
export function loginCookieName(publicUrl: string): string {
  let port = "";
  try {
    const u = new URL(publicUrl);
    port = u.port || (u.protocol === "https:" ? "443" : "80");
  } catch {
    // keep the bare name
  }
  return port ? `lighttrace_session_${port}` : "lighttrace_session";
}

/** The login token the browser sent in its cookie, if any. */
export function readLoginToken(event: H3Event, publicUrl: string): string | undefined {
  return getCookie(event, loginCookieName(publicUrl)) || undefined;
}

/** Logins are stored by SHA-256 of the cookie value, like API tokens. */
export function hashLoginToken(loginToken: string): string {
  return createHash("sha256").update(loginToken).digest("hex");
}

/** The `Set-Cookie` value that stores (or, with an empty value and 0 s, clears) the login cookie. */
export function loginCookieHeader(publicUrl: string, loginToken: string, maxAgeSec: number): string {
  const secure = publicUrl.startsWith("https:") ? "; Secure" : "";
  return `${loginCookieName(publicUrl)}=${loginToken}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${secure}`;
}
