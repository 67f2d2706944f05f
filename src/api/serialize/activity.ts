import type { ApiActivity, ApiActivityUser, ApiAssignee } from "../../contract/index.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { Actor, StoredActivity, StoredAssignee } from "../../store/model/activity.ts";
import type { User } from "../../store/types.ts";

/** Sentry's `assignedTo`: `{type: "user", id, name, email}` or `{type: "team", id, name}`. */
export function serializeAssignee(a: StoredAssignee | undefined): ApiAssignee | null {
  if (!a) return null;
  if (a.kind === "user") return { type: "user", id: String(a.userId), name: a.email, email: a.email };
  if (a.kind === "team") return { type: "team", id: String(a.teamId), name: a.slug };
  return { type: "user", id: a.email, name: a.email, email: a.email };
}

export function serializeActivityUser(user: User): ApiActivityUser {
  return { id: String(user.id), name: user.email, username: user.email, email: user.email };
}

/** One activity entry; `caller` is who asks (to say whether they wrote it). */
export function serializeActivity(a: StoredActivity, usersById: Map<number, User>, caller: Actor): ApiActivity {
  const userId = a.actor?.startsWith("user:") ? Number(a.actor.slice(5)) : undefined;
  const user = userId === undefined ? undefined : usersById.get(userId);
  return {
    id: String(a.id),
    type: a.type,
    dateCreated: toIsoString(a.createdAtSec),
    user: user ? serializeActivityUser(user) : null,
    data: a.data,
    dateUpdated: a.updatedAtSec === null ? null : toIsoString(a.updatedAtSec),
    isAuthor: a.actor !== null && a.actor === caller,
  };
}
