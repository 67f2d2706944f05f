import type { ScrubOptions } from "../events/scrub.ts";
import type { GroupingConfig } from "../grouping/mechanisms.ts";
import type { ProjectGroupingConfigs } from "./grouping-configs.ts";
import type { EffectiveLimits, ProjectLimitsCache } from "./project-limits.ts";

/**
 * The per-project settings the processing stages need, as plain data: ingest worker threads get
 * it with their jobs (structured clone), since they cannot read the database. Add settings that
 * normalising, scrubbing or grouping need here, never a reference to live objects.
 */
export interface ProjectConfigSnapshot {
  /** data scrubbing (src/events/scrub.ts); absent = off */
  scrub?: ScrubOptions;
  /** stack-trace (in-app) rules for grouping, current and earlier (src/grouping/mechanisms.ts) */
  grouping: GroupingConfig;
  /** the project has source-map uploads: events with JavaScript frames are symbolicated before grouping */
  hasSourceMaps: boolean;
}

/** A snapshot and its version: versions only grow, and a new one is issued only when the content changed. */
export interface VersionedProjectConfig {
  projectId: number;
  version: number;
  config: ProjectConfigSnapshot;
}

/**
 * Builds each project's snapshot from the sources of its settings (project limits and grouping
 * rules, each cached for a second; whether source maps exist, cached by the symbolicator) and
 * keeps it while they return the same answers, so a job costs a few map lookups. A change in any
 * setting yields a new version within those caches' TTL; workers keep the last version they were
 * sent and are sent the snapshot again only when it changed.
 */
export class ProjectConfigCache {
  private readonly entries = new Map<number, { sources: unknown[]; key: string; snapshot: VersionedProjectConfig }>();
  private lastVersion = 0;
  private readonly limits: ProjectLimitsCache;
  private readonly grouping: Pick<ProjectGroupingConfigs, "configFor">;
  private readonly hasSourceMaps: (projectId: number) => Promise<boolean>;

  constructor(deps: { limits: ProjectLimitsCache; grouping: Pick<ProjectGroupingConfigs, "configFor">; hasSourceMaps: (projectId: number) => Promise<boolean> }) {
    this.limits = deps.limits;
    this.grouping = deps.grouping;
    this.hasSourceMaps = deps.hasSourceMaps;
  }

  /** The project's current snapshot, with the effective limits it was built from. */
  async snapshotFor(projectId: number): Promise<{ snapshot: VersionedProjectConfig; limits: EffectiveLimits }> {
    const limits = await this.limits.limitsFor(projectId);
    const grouping = await this.grouping.configFor(projectId);
    const hasSourceMaps = await this.hasSourceMaps(projectId);
    // the caches hand out the same objects until they reload: then the content is compared
    const sources = [limits, grouping, hasSourceMaps];
    const cached = this.entries.get(projectId);
    if (cached && cached.sources.every((s, i) => s === sources[i])) return { snapshot: cached.snapshot, limits };
    const config: ProjectConfigSnapshot = { grouping, hasSourceMaps };
    if (limits.scrubData) config.scrub = { sensitiveFields: limits.sensitiveFields };
    const key = JSON.stringify(config);
    const snapshot = cached && cached.key === key ? cached.snapshot : { projectId, version: ++this.lastVersion, config };
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(projectId, { sources, key, snapshot });
    return { snapshot, limits };
  }
}
