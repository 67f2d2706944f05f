import { HTTPError, type H3Event } from "h3";
import type { ApiToken, Store } from "../store/types.ts";
import { hashApiToken } from "./tokens.ts";

/**
 * Every `/api/0/` request needs `Authorization: Bearer <token>`; the token is looked up by its hash.
 * Returns the token so handlers can check scopes.
 */
export async function requireApiAuth(event: H3Event, store: Store): Promise<ApiToken> {
  const header = event.req.headers.get("authorization");
  if (!header) throw new HTTPError({ status: 401, message: "Authentication credentials were not provided." });
  const m = /^\s*(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new HTTPError({ status: 401, message: "Authorization header must be \"Bearer <token>\"." });
  const token = await store.findApiTokenByHash(hashApiToken(m[1]!));
  if (!token) throw new HTTPError({ status: 401, message: "Invalid token" });
  return token;
}
