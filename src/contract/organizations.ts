/**
 * Wire types of the organization, its projects, their DSN keys, the implicit team and sign-in.
 * Sentry's field names; times are ISO 8601 strings.
 */

export interface ApiOrganization {
  id: string;
  slug: string;
  name: string;
  dateCreated: string;
  status: { id: string; name: string };
  isEarlyAdopter: boolean;
  require2FA: boolean;
  features: string[];
  links: { organizationUrl: string; regionUrl: string };
}

/** `GET /organizations/{org}/`: the organization with its projects. */
export interface ApiOrganizationDetail extends ApiOrganization {
  projects: ApiProject[];
}

export interface ApiProject {
  id: string;
  slug: string;
  name: string;
  platform: string | null;
  dateCreated: string;
  isBookmarked: boolean;
  isMember: boolean;
  hasAccess: boolean;
  status: string;
  features: string[];
  /** present where Sentry nests it (project lists and detail) */
  organization?: { id: string; slug: string; name: string };
}

/** `POST /teams/{org}/{team}/projects/`: the new project, plus its DSN key (LightTrace addition). */
export interface ApiCreatedProject extends ApiProject {
  keys: ApiProjectKey[];
}

export interface ApiProjectKey {
  id: string;
  name: string;
  label: string;
  public: string;
  secret: null;
  projectId: number;
  isActive: boolean;
  dateCreated: string;
  rateLimit: null;
  dsn: { public: string; secret: string; csp: string; security: string; minidump: string; unreal: string; cdn: null };
}

export interface ApiTeam {
  id: string;
  slug: string;
  name: string;
  dateCreated: string;
  isMember: boolean;
  hasAccess: boolean;
  memberCount: number;
  /** LightTrace: who the team's alerts and assignments reach (emails; need not be LightTrace users). Empty for `default`. */
  memberEmails: string[];
}

/** `GET /api/0/`: what the caller's credentials may do. */
export interface ApiRoot {
  version: "0";
  auth: { scopes: string[] };
  user: null;
}

/** `GET|POST /api/0/auth/login/` and `POST /api/0/auth/login/local/`: the signed-in browser user. */
export interface ApiLogin {
  user: { id: string; email: string; isLocalAdmin: boolean };
  autoSignedIn: boolean;
}

/**
 * `GET /api/0/auth/login/` when nobody is signed in (200: asking is not an error). `localSignIn`:
 * `POST /api/0/auth/login/local/` would sign this browser in as the local admin.
 */
export interface ApiNoLogin {
  user: null;
  detail: string;
  loginRequired: true;
  localSignIn: boolean;
}

/** Every non-2xx answer of the web API (Sentry's error shape). */
export interface ApiErrorBody {
  detail: string;
}

/**
 * `GET /api/0/auth/` (who am I): the signed-in user, or for an API token (LightTrace tokens belong
 * to the installation, not to a person) the token itself, named, with an empty email.
 */
export interface ApiAuthUser {
  id: string;
  name: string;
  username: string;
  email: string;
  isActive: true;
  hasPasswordAuth: boolean;
  isStaff: false;
  isSuperuser: boolean;
  dateJoined: string;
  lastLogin: string | null;
  avatarUrl: null;
  emails: { id: string; email: string; is_verified: boolean }[];
  /** LightTrace: what authenticated the request, and its Sentry scopes */
  auth: { kind: "token" | "login"; scopes: string[] };
}
