import type { ApiToken, User } from "../store/types.ts";

/** Who made an API request: a token holder (scripts, sentry-cli) or a signed-in browser (a login). */
export type ApiPrincipal = { kind: "token"; token: ApiToken } | { kind: "login"; user: User };
