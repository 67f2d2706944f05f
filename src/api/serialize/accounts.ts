import type { ApiOrgAuthToken, ApiTokenSummary, ApiUser } from "../../contract/index.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { ApiToken, User } from "../../store/types.ts";
import { scopeLevel } from "../scopes.ts";

/** API tokens and users in Sentry's shapes; a token's value is never part of any answer. */

export function serializeApiToken(token: ApiToken): ApiTokenSummary {
  return {
    id: String(token.id), name: token.name, scopes: token.scopes, dateCreated: toIsoString(token.createdAtSec), expiresAt: null,
    tokenLastCharacters: _lastCharacters(token), application: null, scopeLevel: scopeLevel(token.scopes),
    dateLastUsed: token.lastUsedAtSec === null ? null : toIsoString(token.lastUsedAtSec),
  };
}

export function serializeOrgAuthToken(token: ApiToken): ApiOrgAuthToken {
  return {
    id: String(token.id), name: token.name, scopes: token.scopes, tokenLastCharacters: _lastCharacters(token), dateCreated: toIsoString(token.createdAtSec),
    dateLastUsed: token.lastUsedAtSec === null ? null : toIsoString(token.lastUsedAtSec), projectLastUsedId: null,
  };
}

export function serializeUser(user: User): ApiUser {
  return {
    id: String(user.id), name: user.email, username: user.email, email: user.email, isActive: true, hasPasswordAuth: !user.isLocalAdmin,
    dateJoined: toIsoString(user.createdAtSec), lastLogin: user.lastLoginAtSec === null ? null : toIsoString(user.lastLoginAtSec), isLocalAdmin: user.isLocalAdmin,
  };
}

// --- Internal ---

/** the stored hint is "…" and the token's last characters */
function _lastCharacters(token: ApiToken): string {
  return token.tokenHint.replace(/^…/, "");
}
