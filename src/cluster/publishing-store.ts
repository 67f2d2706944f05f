import type { Store } from "../store/types.ts";
import type { ClusterTopic } from "./cluster.ts";

/** Store writes that other nodes cache the results of, and the message each one sends once it resolved. */
const PUBLISHED_WRITES = {
  createProject: "keys",
  createProjectKey: "keys",
  updateProjectKey: "keys",
  setProjectLimits: "limits",
  setGroupingSettings: "grouping",
  storeArtifactBundle: "artifacts",
  linkArtifactBundle: "artifacts",
} as const satisfies Partial<Record<keyof Store, ClusterTopic>>;

/**
 * The store, with each write in PUBLISHED_WRITES followed (after it committed) by a message to
 * every node, so their caches of keys, limits, grouping rules and "has source maps" drop what
 * changed instead of serving it until their TTL ends. Everything else passes through unchanged.
 * @example const store = withPublishedWrites(opened.store, (topic) => cluster.publish(topic))
 */
export function withPublishedWrites(store: Store, publish: (topic: ClusterTopic) => void): Store {
  const wrapped: Store = { ...store };
  for (const [method, topic] of Object.entries(PUBLISHED_WRITES) as [keyof typeof PUBLISHED_WRITES, ClusterTopic][]) {
    const original = store[method] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const result = await original.apply(store, args);
      publish(topic);
      return result;
    };
  }
  return wrapped;
}
