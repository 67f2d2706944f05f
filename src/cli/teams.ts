import { EMAIL_ADDRESS } from "../alert-rules/rule-schema.ts";
import { PROJECT_SLUG } from "../projects/project-slug.ts";
import type { Team } from "../store/model/activity.ts";
import type { Store } from "../store/types.ts";
import { fail, print } from "./output.ts";
import { withCliStore } from "./store-access.ts";

type Flags = { data?: string; database?: string; json?: boolean; name?: string };

/**
 * `lighttrace teams …`: routing teams, named groups of member emails that ownership rules
 * (`#slug`), assignment and alert actions name. Members need not be LightTrace users.
 */
export async function runTeamsList(flags: Flags): Promise<void> {
  await withCliStore(flags.data, async ({ store, org }) => {
    const teams = await store.listTeams(org.id);
    print(flags.json, teams.map(_json), () => (teams.length
      ? teams.map((t) => `#${t.slug.padEnd(24)} ${t.name.padEnd(24)} ${t.memberEmails.join(", ") || "(no members)"}`)
      : ["No teams yet: lighttrace teams create <slug>"]));
  });
}

/** `lighttrace teams create <slug> [--name <name>]` */
export async function runTeamsCreate(slug: string, flags: Flags): Promise<void> {
  const parsed = PROJECT_SLUG.safeParse(slug);
  if (!parsed.success || slug === "default") fail(`invalid team slug "${slug}": ${parsed.success ? '"default" is the implicit team every project belongs to' : parsed.error.issues[0]!.message}`);
  await withCliStore(flags.data, async ({ store, org }) => {
    const team = await store.createTeam({ organizationId: org.id, slug, name: flags.name?.trim() || slug, nowSec: Date.now() / 1000 });
    if (!team) fail(`a team "${slug}" already exists`);
    print(flags.json, _json(team), () => [`Created team #${team.slug}. Add members: lighttrace teams add-member ${team.slug} <email>`]);
  });
}

/** `lighttrace teams delete <slug>` (its assignments go with it) */
export async function runTeamsDelete(slug: string, flags: Flags): Promise<void> {
  await withCliStore(flags.data, async ({ store, org }) => {
    const team = await _team(store, org.id, slug);
    await store.deleteTeam(team.id);
    print(flags.json, { slug, deleted: true }, () => [`Deleted team #${slug}.`]);
  });
}

/** `lighttrace teams add-member <slug> <email…>` */
export async function runTeamsAddMember(slug: string, emails: string[], flags: Flags): Promise<void> {
  const addresses = emails.map((e) => {
    const parsed = EMAIL_ADDRESS.safeParse(e);
    if (!parsed.success) fail(`invalid email "${e}": ${parsed.error.issues[0]!.message}`);
    return parsed.data.toLowerCase();
  });
  await withCliStore(flags.data, async ({ store, org }) => {
    const team = await _team(store, org.id, slug);
    for (const email of addresses) await store.addTeamMember(team.id, email, Date.now() / 1000);
    const updated = (await store.getTeam(org.id, slug))!;
    print(flags.json, _json(updated), () => [`#${slug}: ${updated.memberEmails.join(", ")}`]);
  });
}

/** `lighttrace teams remove-member <slug> <email>` */
export async function runTeamsRemoveMember(slug: string, email: string, flags: Flags): Promise<void> {
  await withCliStore(flags.data, async ({ store, org }) => {
    const team = await _team(store, org.id, slug);
    if (!(await store.removeTeamMember(team.id, email.toLowerCase()))) fail(`${email} is not a member of #${slug}`);
    print(flags.json, { slug, removed: email.toLowerCase() }, () => [`Removed ${email.toLowerCase()} from #${slug}.`]);
  });
}

// --- Internal ---

async function _team(store: Store, organizationId: number, slug: string): Promise<Team> {
  const team = await store.getTeam(organizationId, slug.replace(/^#/, ""));
  if (!team) fail(`no team "${slug}" (lighttrace teams list shows them)`);
  return team;
}

function _json(t: Team) {
  return { id: t.id, slug: t.slug, name: t.name, members: t.memberEmails };
}
