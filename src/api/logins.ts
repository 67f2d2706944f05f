import { randomBytes } from "node:crypto";
import { HTTPError, type H3, type H3Event } from "h3";
import { z } from "zod";
import type { User } from "../store/types.ts";
import type { ApiNoLogin } from "../contract/index.ts";
import { requireSameOrigin } from "./auth.ts";
import { parseJsonBody, type ApiDeps } from "./context.ts";
import { LOGIN_LIFETIME_SEC, hashLoginToken, loginCookieHeader, readLoginToken } from "./login-cookie.ts";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./passwords.ts";
import { LoginThrottle } from "./login-throttle.ts";
import { serializeLogin } from "./serialize/organizations.ts";
import { autoSignInRefusal } from "./auto-sign-in.ts";
import { clientAddress } from "../http/client-ip.ts";

const loginSchema = z.object({
  email: z.string().trim().min(1, "enter your email").max(254),
  password: z.string().min(1, "enter your password").max(1024),
}).strict();

/**
 * Browser sign-in at `/api/0/auth/login/` (no token needed to reach it). A "login" is a signed-in
 * browser; it is unrelated to release-health sessions.
 * - `GET`: the signed-in user, else `{user: null, loginRequired: true, localSignIn}` (200: asking is
 *   not an error); `localSignIn` says whether `POST …/login/local/` would sign this browser in
 *   (src/api/auto-sign-in.ts). A GET never creates a login: any page on the web can make a browser send one.
 * - `POST` `{email, password}`: password sign-in, sets the login cookie.
 * - `POST /api/0/auth/login/local/`: signs a browser on this machine in as the local admin, from
 *   this server's own origin only; 403 says why not elsewhere.
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
    const localSignIn = autoSignInRefusal(deps.config, _autoSignInRequest(event)) === undefined;
    const nobody: ApiNoLogin = { user: null, detail: "Sign in to continue.", loginRequired: true, localSignIn };
    return Response.json(nobody, { headers: { "Cache-Control": "no-store" } });
  });

  on("POST", "/api/0/auth/login/local", async (event) => {
    requireSameOrigin(event, deps.publicUrl());
    const refusal = autoSignInRefusal(deps.config, _autoSignInRequest(event));
    if (refusal) throw new HTTPError({ status: 403, message: `Automatic sign-in is off: ${refusal}. Sign in with a password.` });
    return _startLogin(deps, await deps.store.ensureLocalAdmin(), true);
  });

  const throttle = new LoginThrottle(deps.loginAttempts);
  on("POST", "/api/0/auth/login", async (event) => {
    requireSameOrigin(event, deps.publicUrl());
    const body = await parseJsonBody(event, loginSchema);
    const clientIp = clientAddress(event.runtime?.node?.req.socket?.remoteAddress, event.req.headers.get("x-forwarded-for") ?? undefined, deps.config.trustProxy) ?? "unknown";
    const wait = await throttle.begin(clientIp, body.email, deps.clock.now());
    if (wait > 0) {
      throw new HTTPError({ status: 429, message: `Too many failed sign-ins; try again in ${wait} s.`, headers: { "Retry-After": String(wait) } });
    }
    const found = await deps.store.findUserByEmail(body.email);
    // verify even when the user is unknown, so response time does not tell which emails exist
    const ok = await verifyPassword(body.password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!found || !found.passwordHash || !ok) throw new HTTPError({ status: 401, message: "Wrong email or password." });
    await throttle.succeeded(clientIp, body.email, deps.clock.now());
    return _startLogin(deps, found.user, false);
  });

  on("DELETE", "/api/0/auth/login", async (event) => {
    requireSameOrigin(event, deps.publicUrl());
    const loginToken = readLoginToken(event, deps.publicUrl());
    if (loginToken) await deps.store.deleteLogin(hashLoginToken(loginToken));
    return new Response(null, { status: 204, headers: { "Set-Cookie": loginCookieHeader(deps.publicUrl(), "", 0) } });
  });
}

// --- Internal ---

function _autoSignInRequest(event: H3Event) {
  return { headers: event.req.headers, localPort: event.runtime?.node?.req.socket?.localPort };
}

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
