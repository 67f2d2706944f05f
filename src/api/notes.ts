import { HTTPError } from "h3";
import { z } from "zod";
import type { ApiActivity } from "../contract/index.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { serializeActivities } from "./activity.ts";
import { actorOf } from "./assignment.ts";
import { param, parseJsonBody, type ApiDeps, type RouteFn } from "./context.ts";
import { ISSUE_PREFIXES, loadIssue } from "./issues.ts";

/** characters; a note's longest text (Sentry's MCP server caps notes the same) */
export const MAX_NOTE_CHARS = 4096;
/** seconds; Sentry refuses the same note from the same person within this window */
const DUPLICATE_WINDOW_SEC = 3600;
/** notes listed per request at most */
const MAX_NOTES = 500;

const noteSchema = z.object({
  text: z.string().trim().min(1, "a note needs text").max(MAX_NOTE_CHARS, `at most ${MAX_NOTE_CHARS} characters`),
  mentions: z.array(z.string()).optional(),
}).loose();

/**
 * An issue's notes (Sentry's "comments"): `GET/POST /issues/{id}/comments/` (alias `/notes/`),
 * `PUT/DELETE /issues/{id}/comments/{noteId}/` by their author only. A note is an activity entry
 * of type `note` with `data.text`.
 */
export function mountNoteRoutes(deps: ApiDeps, route: RouteFn): void {
  for (const prefix of ISSUE_PREFIXES) {
    for (const word of ["comments", "notes"]) {
      route("GET", `${prefix}/${word}`, async (event): Promise<ApiActivity[]> => {
        const { issue } = await loadIssue(deps, event);
        const notes = (await deps.store.listIssueActivity(issue.id, MAX_NOTES * 4)).filter((a) => a.type === "note").slice(0, MAX_NOTES);
        return serializeActivities(deps, event, notes);
      });
      route("POST", `${prefix}/${word}`, async (event) => {
        const { issue } = await loadIssue(deps, event);
        const { text } = await parseJsonBody(event, noteSchema);
        const actor = actorOf(event);
        const nowSec = deps.clock.now() / 1000;
        const recent = await deps.store.listIssueActivity(issue.id, 200);
        if (recent.some((a) => a.type === "note" && a.actor === actor && a.data.text === text && a.createdAtSec >= nowSec - DUPLICATE_WINDOW_SEC)) {
          throw badRequest("You have already posted that comment.");
        }
        const note = await deps.store.addIssueActivity({ issueId: issue.id, projectId: issue.projectId, type: "note", actor, data: { text }, createdAtSec: nowSec });
        return Response.json((await serializeActivities(deps, event, [note]))[0], { status: 201 });
      });
      route("PUT", `${prefix}/${word}/:noteId`, async (event): Promise<ApiActivity> => {
        const { issue, noteId } = await _ownNote(deps, event);
        const { text } = await parseJsonBody(event, noteSchema);
        const updated = await deps.store.updateIssueNote(issue.id, noteId, text, deps.clock.now() / 1000);
        if (!updated) throw notFound("no such note");
        return (await serializeActivities(deps, event, [updated]))[0]!;
      });
      route("DELETE", `${prefix}/${word}/:noteId`, async (event) => {
        const { issue, noteId } = await _ownNote(deps, event);
        await deps.store.deleteIssueActivity(issue.id, noteId);
        return new Response(null, { status: 204 });
      });
    }
  }
}

// --- Internal ---

/** The note named in the path, if the caller wrote it: 404 when absent, 403 for someone else's. */
async function _ownNote(deps: ApiDeps, event: Parameters<Parameters<RouteFn>[2]>[0]) {
  const { issue } = await loadIssue(deps, event);
  const raw = param(event, "noteId");
  const noteId = /^\d+$/.test(raw) ? Number(raw) : NaN;
  const note = Number.isSafeInteger(noteId) ? await deps.store.getIssueActivity(issue.id, noteId) : undefined;
  if (!note || note.type !== "note") throw notFound("no such note");
  if (note.actor === null || note.actor !== actorOf(event)) throw new HTTPError({ status: 403, message: "only a note's author may edit or delete it" });
  return { issue, noteId };
}
