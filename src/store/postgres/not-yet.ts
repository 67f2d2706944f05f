import type { AlertStore } from "../model/alerts.ts";
import type { Store } from "../types.ts";

/** A store method that the PostgreSQL backend does not implement yet (never an empty answer instead). */
export class NotYetOnPostgresError extends Error {
  override name = "NotYetOnPostgresError";

  constructor(method: string) {
    super(`${method} is not yet available on PostgreSQL (run LightTrace on SQLite for this feature until it is ported)`);
  }
}

/** Methods that reject with `NotYetOnPostgresError`, for the modules still being ported. */
export function notYetOnPostgres<K extends keyof Store>(names: readonly K[]): Pick<Store, K> {
  return Object.fromEntries(names.map((name) => [name, () => Promise.reject(new NotYetOnPostgresError(String(name)))])) as unknown as Pick<Store, K>;
}

/** Alert-store methods that reject with `NotYetOnPostgresError`. */
export function notYetAlertsOnPostgres<K extends keyof AlertStore>(names: readonly K[]): Pick<AlertStore, K> {
  return Object.fromEntries(names.map((name) => [name, () => Promise.reject(new NotYetOnPostgresError(`alerts.${String(name)}`))])) as unknown as Pick<AlertStore, K>;
}
