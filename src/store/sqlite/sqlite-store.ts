import { systemClock, type Clock } from "../../clock.ts";
import type { Store } from "../types.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import { createIngestWriter } from "./ingest-writer.ts";
import { createProjectQueries } from "./projects.ts";
import { createIssueQueries } from "./issues.ts";
import { createEventQueries } from "./events.ts";
import { createEventSearch } from "./event-search.ts";
import { encodeEventData } from "../event-codec.ts";
import { createUserQueries } from "./users.ts";
import { createTraceQueries } from "./traces.ts";
import { createExplanationQueries } from "./explanations.ts";
import { DEFAULTS } from "../../config.ts";
import { createSessionQueries } from "./sessions.ts";
import { createReleaseStore } from "./releases.ts";
import { createSourceLinkStore } from "./source-links.ts";
import { createAlertQueries } from "./alerts.ts";
import { createProjectLimitQueries } from "./project-limits.ts";
import { createRetentionQueries } from "./retention.ts";
import { createResolutionQueries } from "./resolutions.ts";
import { createReleaseStatsQueries } from "./release-stats.ts";
import { createArtifactStore } from "./artifacts.ts";
import { createIngestReads } from "./ingest-reads.ts";
import { translateSqliteError } from "./sqlite-errors.ts";
import { createGroupingStore } from "./groupings.ts";
import { createMonitorQueries } from "./monitors.ts";
import { createActivityQueries } from "./activity.ts";
import { createTeamQueries } from "./teams.ts";
import { createOwnershipQueries } from "./ownership.ts";
import { createFeedbackQueries } from "./feedback.ts";

/**
 * The SQLite Store: synchronous better-sqlite3 calls behind the async Store interface. A full disk
 * comes out of any method as `StorageFullError`, never as a SQLite code.
 */
export function createSqliteStore(db: SqliteDatabase, opts: { maxStoredTraceSpans?: number; maxTraceAgeDays?: number; clock?: Clock } = {}): Store {
  // creation and edit times of projects, keys, tokens, users and alert rules (everything ingest writes has its times in the plan)
  const clock = opts.clock ?? systemClock;
  const alerts = createAlertQueries(db, clock);
  const executeWritePlan = createIngestWriter(db, {
    maxStoredTraceSpans: opts.maxStoredTraceSpans ?? DEFAULTS.maxStoredTraceSpans, maxTraceAgeDays: opts.maxTraceAgeDays ?? 0,
  });
  const ingestReads = createIngestReads(db);
  const traces = createTraceQueries(db);
  const explanations = createExplanationQueries(db);
  const projects = createProjectQueries(db, clock);
  const createProject = db.transaction((input: Parameters<Store["createProject"]>[0]) => {
    const created = projects.createProject(input);
    alerts.createRulesInTransaction(created.project.id, input.defaultAlertRules, true);
    return created;
  });
  const issues = createIssueQueries(db);
  const events = createEventQueries(db);
  const eventSearch = createEventSearch(db);
  const users = createUserQueries(db, clock);
  const sessions = createSessionQueries(db);
  const projectLimits = createProjectLimitQueries(db);
  const retention = createRetentionQueries(db);
  const resolutions = createResolutionQueries(db);
  const releaseStats = createReleaseStatsQueries(db);
  return _translatingErrors({
    ...createReleaseStore(db),
    ...createSourceLinkStore(db),
    ...createArtifactStore(db),
    readIngestState: async (queries) => ingestReads.readIngestState(queries),
    readRegressionState: async (projectId, issueIds, releases) => ingestReads.readRegressionState(projectId, issueIds, releases),
    alertRulesVersion: async () => alerts.ingest.rulesVersion(),
    activeAlertRules: async (projectId) => alerts.ingest.activeRules(projectId),
    issueEventTotals: async (issueIds, fromHour, toHour) => ingestReads.issueEventTotals(issueIds, fromHour, toHour),
    executeWritePlan: async (plan) => executeWritePlan(plan),
    ...createGroupingStore(db),
    ...createActivityQueries(db),
    ...createTeamQueries(db),
    ...createOwnershipQueries(db),
    ...createFeedbackQueries(db),
    encodeEventPayload: async (json) => encodeEventData(json),
    ensureOrganization: async (slug, name) => projects.ensureOrganization(slug, name),
    getOrganization: async () => projects.getOrganization(),
    listProjects: async () => projects.listProjects(),
    getProject: async (idOrSlug) => projects.getProject(idOrSlug),
    createProject: async (input) => createProject.immediate(input),
    listProjectKeys: async (projectId) => projects.listProjectKeys(projectId),
    updateProject: async (id, changes) => projects.updateProject(id, changes),
    createProjectKey: async (projectId, label) => projects.createProjectKey(projectId, label),
    updateProjectKey: async (id, changes) => projects.updateProjectKey(id, changes),
    findProjectKey: async (publicKey) => projects.findProjectKey(publicKey),
    createApiToken: async (input) => projects.createApiToken(input),
    findApiTokenByHash: async (hash) => projects.findApiTokenByHash(hash),
    listApiTokens: async () => projects.listApiTokens(),
    deleteApiToken: async (id) => projects.deleteApiToken(id),
    listIssues: async (filter) => issues.listIssues(filter),
    getIssue: async (id) => issues.getIssue(id),
    getIssueByShortId: async (projectId, shortId) => issues.getIssueByShortId(projectId, shortId),
    setIssueStatus: async (id, status, now) => issues.setIssueStatus(id, status, now),
    hourlyCounts: async (ids, sinceHour) => issues.hourlyCounts(ids, sinceHour),
    spikeStats: async (ids, nowMs) => issues.spikeStats(ids, nowMs),
    issueTagSummary: async (id, topN) => issues.issueTagSummary(id, topN),
    issueTagValues: async (id, key, limit) => issues.issueTagValues(id, key, limit),
    listIssueEvents: async (issueId, opts) => events.listIssueEvents(issueId, opts),
    getEvent: async (projectId, eventId) => events.getEvent(projectId, eventId),
    searchEvents: async (filter, opts) => eventSearch.searchEvents(filter, opts),
    aggregateEvents: async (filter, query) => eventSearch.aggregateEvents(filter, query),
    hasTagKey: async (key) => eventSearch.hasTagKey(key),
    adjacentEventIds: async (issueId, ev) => events.adjacentEventIds(issueId, ev),
    createUser: async (input) => users.createUser(input),
    findUserByEmail: async (email) => users.findUserByEmail(email),
    listUsers: async () => users.listUsers(),
    ensureLocalAdmin: async () => users.ensureLocalAdmin(),
    createLogin: async (input) => users.createLogin(input),
    findLoginUser: async (hash, nowSec) => users.findLoginUser(hash, nowSec),
    deleteLogin: async (hash) => users.deleteLogin(hash),
    getUser: async (id) => users.getUser(id),
    deleteUser: async (id) => users.deleteUser(id),
    deleteUserLogins: async (userId) => users.deleteUserLogins(userId),
    sessionHealth: async (projectIds, sinceHour) => sessions.sessionHealth(projectIds, sinceHour),
    sessionSeries: async (projectId, release, sinceHour) => sessions.sessionSeries(projectId, release, sinceHour),
    getProjectLimits: async (projectId) => projectLimits.getProjectLimits(projectId),
    setProjectLimits: async (projectId, limits) => projectLimits.setProjectLimits(projectId, limits),
    monthlyUsage: async (projectId, month) => projectLimits.monthlyUsage(projectId, month),
    recordOutcomes: async (rows) => projectLimits.recordOutcomes(rows),
    projectOutcomes: async (projectId, sinceDay) => projectLimits.outcomes(projectId, sinceDay),
    isKnownGroup: async (projectId, hash) => projectLimits.isKnownGroup(projectId, hash),
    storedEventCount: async (projectId) => retention.storedEventCount(projectId),
    issueStoredCounts: async (projectId) => retention.issueStoredCounts(projectId),
    deleteOldestEvents: async (issueId, limit) => retention.deleteOldestEvents(issueId, limit),
    deleteEventsOlderThan: async (projectId, cutoff, limit) => retention.deleteEventsOlderThan(projectId, cutoff, limit),
    releaseFreePages: async () => retention.releaseFreePages(),
    sessionBuckets: async (projectId, sinceHour) => sessions.sessionBuckets(projectId, sinceHour),
    releaseEventCounts: async (projectIds, sinceHour) => releaseStats.releaseEventCounts(projectIds, sinceHour),
    releaseHeads: async (organizationId, projectIds) => releaseStats.releaseHeads(organizationId, projectIds),
    releaseIssueCounts: async (projectIds) => releaseStats.releaseIssueCounts(projectIds),
    releaseIssueIds: async (projectId, release, limit) => releaseStats.releaseIssueIds(projectId, release, limit),
    setIssueResolution: async (issueId, resolution, now) => resolutions.setIssueResolution(issueId, resolution, now),
    getIssueResolution: async (issueId) => resolutions.getIssueResolution(issueId),
    projectReleases: async (projectId) => resolutions.projectReleases(projectId),
    issueReleaseCounts: async (issueId) => resolutions.issueReleaseCounts(issueId),
    getSetting: async (key) => projects.getSetting(key),
    setSetting: async (key, value) => projects.setSetting(key, value),
    itemCounts: async (projectId) => projects.itemCounts(projectId),
    getTrace: async (traceId) => traces.getTrace(traceId),
    getExplanation: async (issueId, eventId) => explanations.getExplanation(issueId, eventId),
    saveExplanation: async (input) => explanations.saveExplanation(input),
    alerts: alerts.store,
    monitors: createMonitorQueries(db),
    checkpoint: () => void db.pragma("wal_checkpoint(PASSIVE)"),
    close: async () => void db.close(),
  });
}

// --- Internal ---

/** Wraps every method (and those of `alerts` and `monitors`) so that SQLite's disk-full errors leave as StorageFullError. */
function _translatingErrors<T extends object>(target: T): T {
  for (const [name, value] of Object.entries(target)) {
    if (typeof value === "function") {
      (target as Record<string, unknown>)[name] = (...args: unknown[]) => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          throw translateSqliteError(err);
        }
        return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(translateSqliteError(err))) : result;
      };
    } else if ((name === "alerts" || name === "monitors") && value && typeof value === "object") {
      _translatingErrors(value);
    }
  }
  return target;
}
