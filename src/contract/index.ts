/**
 * The web API's wire contract: every response shape, written once. Type-only (nothing here exists
 * at run time): the server's serializers are checked against these types and the UI imports them,
 * so the two cannot disagree without `tsc` failing. Imports nothing outside this folder.
 */
export type * from "./accounts.ts";
export type * from "./activity.ts";
export type * from "./alerts.ts";
export type * from "./events.ts";
export type * from "./explain.ts";
export type * from "./feedback.ts";
export type * from "./grouping.ts";
export type * from "./insights.ts";
export type * from "./issues.ts";
export type * from "./monitors.ts";
export type * from "./organizations.ts";
export type * from "./ownership.ts";
export type * from "./project-settings.ts";
export type * from "./releases.ts";
export type * from "./traces.ts";
export type * from "./uploads.ts";
