import type { Store } from "../store/types.ts";

const POSITIVE_TTL_MS = 60_000;
/** Unknown keys are remembered briefly so a misconfigured client cannot hammer the database. */
const NEGATIVE_TTL_MS = 2_000;

/**
 * DSN public key → project id, cached in memory. Keys created by the CLI while the server runs are
 * found on the next miss; a disabled key stops working within a minute.
 */
export class KeyCache {
  private entries = new Map<string, { projectId: number | undefined; expires: number }>();

  private readonly store: Store;
  private readonly now: () => number;

  constructor(store: Store, now: () => number) {
    this.store = store;
    this.now = now;
  }

  /** Forgets every answer (a key changed, here or on another node). */
  clear(): void {
    this.entries.clear();
  }

  async projectIdFor(publicKey: string): Promise<number | undefined> {
    const hit = this.entries.get(publicKey);
    const now = this.now();
    if (hit && hit.expires > now) return hit.projectId;
    const key = await this.store.findProjectKey(publicKey);
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(publicKey, { projectId: key?.projectId, expires: now + (key ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS) });
    return key?.projectId;
  }
}
