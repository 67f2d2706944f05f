/**
 * Ids SQLite never hands out twice, for rows that others name by id after the row is gone. An
 * `INTEGER PRIMARY KEY` without AUTOINCREMENT gives a new row max(id) + 1, so deleting the newest
 * user or API token would pass its id on to the next one — and the issue activity log names its
 * authors by id (`user:<id>`, `token:<id>`; an author may edit their notes). A deleted row's id is
 * remembered in `settings` and new rows start above it, as PostgreSQL's identities never go back.
 */
export type IdTable = "users" | "api_tokens";

/** The expression for a new row's id in `table` (an INSERT's value). */
export function nextIdSql(table: IdTable): string {
  return `(SELECT max(coalesce((SELECT max(id) FROM ${table}), 0), coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '${_key(table)}'), 0)) + 1)`;
}

/** The statement that remembers a deleted id of `table` (one parameter: the id). */
export function rememberDeletedIdSql(table: IdTable): string {
  return `INSERT INTO settings (key, value) VALUES ('${_key(table)}', CAST(? AS TEXT))
    ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)`;
}

// --- Internal ---

function _key(table: IdTable): string {
  return `deleted_max_id:${table}`;
}
