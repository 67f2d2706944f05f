import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { Team, TeamStore } from "../model/activity.ts";

/** Teams and their member emails on SQLite. */
export function createTeamQueries(db: SqliteDatabase): TeamStore {
  const stmt = {
    list: db.prepare("SELECT * FROM teams WHERE organization_id = ? ORDER BY slug"),
    bySlug: db.prepare("SELECT * FROM teams WHERE organization_id = ? AND slug = ?"),
    members: db.prepare("SELECT team_id, email FROM team_members WHERE team_id IN (SELECT id FROM teams WHERE organization_id = ?) ORDER BY email"),
    teamMembers: db.prepare("SELECT email FROM team_members WHERE team_id = ? ORDER BY email"),
    insert: db.prepare("INSERT INTO teams (organization_id, slug, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *"),
    delete: db.prepare("DELETE FROM teams WHERE id = ?"),
    addMember: db.prepare("INSERT INTO team_members (team_id, email, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
    removeMember: db.prepare("DELETE FROM team_members WHERE team_id = ? AND email = ?"),
  };
  return {
    listTeams: async (organizationId) => {
      const members = new Map<number, string[]>();
      for (const m of stmt.members.all(organizationId) as { team_id: number; email: string }[]) {
        members.set(m.team_id, [...(members.get(m.team_id) ?? []), m.email]);
      }
      return stmt.list.all(organizationId).map((r) => _team(r, members.get(Number((r as { id: number }).id)) ?? []));
    },
    getTeam: async (organizationId, slug) => {
      const row = stmt.bySlug.get(organizationId, slug) as { id: number } | undefined;
      return row ? _team(row, stmt.teamMembers.pluck().all(row.id) as string[]) : undefined;
    },
    createTeam: async (input) => {
      const row = stmt.insert.get(input.organizationId, input.slug, input.name, input.nowSec);
      return row ? _team(row, []) : undefined;
    },
    deleteTeam: async (teamId) => stmt.delete.run(teamId).changes > 0,
    addTeamMember: async (teamId, email, nowSec) => void stmt.addMember.run(teamId, email, nowSec),
    removeTeamMember: async (teamId, email) => stmt.removeMember.run(teamId, email).changes > 0,
  };
}

// --- Internal ---

function _team(r: unknown, memberEmails: string[]): Team {
  const row = r as Record<string, unknown>;
  return {
    id: Number(row.id), organizationId: Number(row.organization_id), slug: String(row.slug), name: String(row.name),
    createdAtSec: Number(row.created_at), memberEmails,
  };
}
