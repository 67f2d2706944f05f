import type { Team, TeamStore } from "../model/activity.ts";
import type { PgDb } from "./pg-db.ts";

/** Teams and their member emails on PostgreSQL. */
export function createPgTeamQueries(db: PgDb): TeamStore {
  return {
    listTeams: async (organizationId) => {
      const members = new Map<number, string[]>();
      for (const m of await db.rows<{ team_id: number; email: string }>(`SELECT team_id, email FROM team_members
        WHERE team_id IN (SELECT id FROM teams WHERE organization_id = $1) ORDER BY email`, [organizationId])) {
        members.set(Number(m.team_id), [...(members.get(Number(m.team_id)) ?? []), m.email]);
      }
      return (await db.rows("SELECT * FROM teams WHERE organization_id = $1 ORDER BY slug", [organizationId])).map((r) => _team(r, members.get(Number(r.id)) ?? []));
    },
    getTeam: async (organizationId, slug) => {
      const row = await db.first("SELECT * FROM teams WHERE organization_id = $1 AND slug = $2", [organizationId, slug]);
      if (!row) return undefined;
      return _team(row, (await db.rows<{ email: string }>("SELECT email FROM team_members WHERE team_id = $1 ORDER BY email", [row.id])).map((m) => m.email));
    },
    createTeam: async (input) => {
      const row = await db.first("INSERT INTO teams (organization_id, slug, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING *",
        [input.organizationId, input.slug, input.name, input.nowSec]);
      return row ? _team(row, []) : undefined;
    },
    deleteTeam: async (teamId) => (await db.run("DELETE FROM teams WHERE id = $1", [teamId])) > 0,
    addTeamMember: async (teamId, email, nowSec) =>
      void (await db.run("INSERT INTO team_members (team_id, email, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [teamId, email, nowSec])),
    removeTeamMember: async (teamId, email) => (await db.run("DELETE FROM team_members WHERE team_id = $1 AND email = $2", [teamId, email])) > 0,
  };
}

// --- Internal ---

function _team(row: Record<string, unknown>, memberEmails: string[]): Team {
  return {
    id: Number(row.id), organizationId: Number(row.organization_id), slug: String(row.slug), name: String(row.name),
    createdAtSec: Number(row.created_at), memberEmails,
  };
}
