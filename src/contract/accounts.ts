/**
 * API tokens and users, as an admin manages them: Sentry's shapes (`/api/0/api-tokens/`, an
 * organization's `org-auth-tokens/`, `/api/0/users/`) with LightTrace's additions marked.
 */

/** `GET /api/0/api-tokens/`: one token, never its value (only its last characters). */
export interface ApiTokenSummary {
  id: string;
  name: string;
  scopes: string[];
  dateCreated: string;
  expiresAt: null;
  tokenLastCharacters: string;
  application: null;
  /** LightTrace: read, write or admin, from the scopes */
  scopeLevel: "read" | "write" | "admin";
  /** LightTrace: when a request last used it (to the minute), null when never */
  dateLastUsed: string | null;
}

/** `GET /api/0/organizations/{org}/org-auth-tokens/`: Sentry's organization token shape. */
export interface ApiOrgAuthToken {
  id: string;
  name: string;
  scopes: string[];
  tokenLastCharacters: string;
  dateCreated: string;
  dateLastUsed: string | null;
  projectLastUsedId: null;
}

/** `GET /api/0/users/` and `/api/0/users/{id}/`: a person who can sign in to the web UI. */
export interface ApiUser {
  id: string;
  name: string;
  username: string;
  email: string;
  isActive: true;
  hasPasswordAuth: boolean;
  dateJoined: string;
  lastLogin: string | null;
  /** LightTrace: the passwordless user of automatic sign-in on loopback */
  isLocalAdmin: boolean;
}

/** `DELETE /api/0/users/{id}/logins/` (LightTrace): how many signed-in browsers were signed out. */
export interface ApiEndedLogins {
  endedLogins: number;
}
