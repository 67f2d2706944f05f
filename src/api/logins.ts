import { randomBytes } from "node:crypto";
import { HTTPError, getRequestIP, type H3, type H3Event } from "h3";
import { z } from "zod";
import { isLoopbackHost, hostnameOf } from "../http/security.ts";
import type { User } from "../store/types.ts";
import { requireSameOrigin } from "./auth.ts";
import { parseJsonBody, type ApiDeps } from "./context.ts";
import { LOGIN_LIFETIME_SEC, hashLoginToken, loginCookieHeader, readLoginToken } from "./login-cookie.ts";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./passwords.ts";
import { LoginThrottle } from "./login-throttle.ts";
import { serializeLogin } from "./serialize/organizations.ts";

const loginSchema = z.object({
  email: z.string().trim().min(1, "enter your email").max(254),
  password: z.string().min(1, "enter your password").max(1024),
}).strict();

/**
 * Browser sign-in at `/api/0/auth/login/` (no token needed to reach it). A "login" is a signed-in
 * browser; it is unrelated to release-health sessions.
 * - `GET`: the signed-in user; on a loopback server, signs the browser in as the local admin
 *   first; otherwise 401 `{loginRequired: true}`.
 * - `POST` `{email, password}`: password sign-in, sets the login cookie.
 * - `DELETE`: signs out.
 */
export function mountLoginRoutes(app: H3, deps: ApiDeps): void {
  const on = (method: "GET" | "POST" | "DELETE", path: string, handler: (event: H3Event) => Promise<unknown>) => {
    app.on(method, path, handler);
    app.on(method, path + "/", handler);
  };

  on("GET", "/api/0/auth/login", async (event) => {
    const current = await _currentUser(event, deps);
    if (current) return serializeLogin(current, false);
    if (!canAutoSignIn(deps.config.host, event.req.headers)) {
      return Response.json({ detail: "Sign in to continue.", loginRequired: true }, { status: 401, headers: { "Cache-Control": "no-store" } });
    }
    const admin = await deps.store.ensureLocalAdmin();
    return _startLogin(deps, admin, true);
  });

  const throttle = new LoginThrottle();
  on("POST", "/api/0/auth/login", async (event) => {
    requireSameOrigin(event, deps.publicUrl());
    const body = await parseJsonBody(event, loginSchema);
    const clientIp = getRequestIP(event, { xForwardedFor: deps.config.trustProxy }) ?? "unknown";
    const wait = throttle.retryAfter(clientIp, body.email, deps.clock.now());
    if (wait > 0) {
      throw new HTTPError({ status: 429, message: `Too many failed sign-ins; try again in ${wait} s.`, headers: { "Retry-After": String(wait) } });
    }
    const found = await deps.store.findUserByEmail(body.email);
    // verify even when the user is unknown, so response time does not tell which emails exist
    const ok = await verifyPassword(body.password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!found || !found.passwordHash || !ok) {
      throttle.recordFailure(clientIp, body.email, deps.clock.now());
      throw new HTTPError({ status: 401, message: "Wrong email or password." });
    }
    throttle.recordSuccess(clientIp, body.email);
    return _startLogin(deps, found.user, false);
  });

  on("DELETE", "/api/0/auth/login", async (event) => {
    requireSameOrigin(event, deps.publicUrl());
    const loginToken = readLoginToken(event, deps.publicUrl());
    if (loginToken) await deps.store.deleteLogin(hashLoginToken(loginToken));
    return new Response(null, { status: 204, headers: { "Set-Cookie": loginCookieHeader(deps.publicUrl(), "", 0) } });
  });
}

/**
 * Auto sign-in is for a developer on their own machine: the server listens on loopback only, the
 * browser addressed it by a loopback name, and no proxy headers say the request came from elsewhere
 * (a reverse proxy on the same machine would otherwise hand the admin login to the internet).
 */
export function canAutoSignIn(listenHost: string, headers: Headers): boolean {
  if (!isLoopbackHost(listenHost)) return false;
  const hostname = hostnameOf(headers.get("host") ?? undefined);
  if (!hostname || !isLoopbackHost(hostname)) return false;
  return !["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip"].some((h) => headers.has(h));
}

// --- Internal ---

async function _currentUser(event: H3Event, deps: ApiDeps): Promise<User | undefined> {
  const loginToken = readLoginToken(event, deps.publicUrl());
  if (!loginToken) return undefined;
  return deps.store.findLoginUser(hashLoginToken(loginToken), deps.clock.now() / 1000);
}

async function _startLogin(deps: ApiDeps, user: User, autoSignedIn: boolean): Promise<Response> {
  const loginToken = randomBytes(32).toString("base64url");
  const nowSec = deps.clock.now() / 1000;
  await deps.store.createLogin({ userId: user.id, tokenHash: hashLoginToken(loginToken), nowSec, expiresAtSec: nowSec + LOGIN_LIFETIME_SEC });
  return Response.json(serializeLogin(user, autoSignedIn), {
    headers: { "Set-Cookie": loginCookieHeader(deps.publicUrl(), loginToken, LOGIN_LIFETIME_SEC), "Cache-Control": "no-store" },
  });
}
