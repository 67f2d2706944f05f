import { z } from "zod";
import { toIsoString } from "../events/timestamps.ts";
import { hashApiToken, mintApiToken, tokenHint } from "../api/tokens.ts";
import { SCOPE_LEVELS, SCOPES_BY_LEVEL, scopeLevel, type ScopeLevel } from "../api/scopes.ts";
import { fail, print } from "./output.ts";
import { withCliStore } from "./store-access.ts";

const createFlags = z.object({
  name: z.string().min(1).max(100),
  scope: z.enum(SCOPE_LEVELS as [ScopeLevel, ...ScopeLevel[]], { message: "must be read, write or admin" }).default("write"),
  data: z.string().optional(),
  json: z.boolean().optional(),
});

/** `lighttrace tokens create [--name] [--scope read|write|admin]`: the token is printed once and stored only as a hash. */
export async function runTokensCreate(rawFlags: unknown): Promise<void> {
  const flags = createFlags.safeParse(rawFlags);
  if (!flags.success) fail(`invalid --${String(flags.error.issues[0]!.path[0])}: ${flags.error.issues[0]!.message}`);
  await withCliStore(flags.data.data, async ({ store, org, publicUrl }) => {
    const token = mintApiToken(publicUrl, org.slug, Math.floor(Date.now() / 1000));
    const saved = await store.createApiToken({ name: flags.data.name, tokenHash: hashApiToken(token), tokenHint: tokenHint(token), scopes: [...SCOPES_BY_LEVEL[flags.data.scope]] });
    print(flags.data.json, { id: saved.id, name: saved.name, token, scope: flags.data.scope, scopes: saved.scopes }, () => [token]);
  });
}

/** `lighttrace tokens revoke <id>`: the token stops working at once (its next request is a 401), also for a running server. */
export async function runTokensRevoke(id: string, flags: { data?: string; json?: boolean }): Promise<void> {
  if (!/^\d{1,15}$/.test(id)) fail(`invalid token id "${id}": the number lighttrace tokens list shows`);
  await withCliStore(flags.data, async ({ store }) => {
    const token = (await store.listApiTokens()).find((t) => t.id === Number(id));
    if (!token || !(await store.deleteApiToken(token.id))) fail(`no API token with id ${id} (lighttrace tokens list shows them)`);
    print(flags.json, { id: token.id, name: token.name, revoked: true }, () => [`Revoked API token ${token.id} (${token.name}, ${token.tokenHint}).`]);
  });
}

/** `lighttrace tokens list` */
export async function runTokensList(flags: { data?: string; json?: boolean }): Promise<void> {
  await withCliStore(flags.data, async ({ store }) => {
    const tokens = await store.listApiTokens();
    const rows = tokens.map((t) => ({
      id: t.id, name: t.name, hint: t.tokenHint, scope: scopeLevel(t.scopes), createdAt: toIsoString(t.createdAtSec), lastUsedAt: t.lastUsedAtSec ? toIsoString(t.lastUsedAtSec) : null,
    }));
    print(flags.json, rows, () => (rows.length ? rows.map((r) => `${String(r.id).padStart(4)}  ${r.name.padEnd(20)} ${r.scope.padEnd(5)} ${r.hint}  created ${r.createdAt}`) : ["No tokens yet."]));
  });
}
