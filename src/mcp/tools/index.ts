import type { McpTool } from "../tool.ts";
import { explainIssue } from "./explain-issue.ts";
import { findOrganizations } from "./find-organizations.ts";
import { findProjects } from "./find-projects.ts";
import { findReleases } from "./find-releases.ts";
import { findMonitors } from "./find-monitors.ts";
import { getIssueDetails } from "./get-issue-details.ts";
import { getTraceDetails } from "./get-trace-details.ts";
import { searchEvents } from "./search-events.ts";
import { searchIssues } from "./search-issues.ts";
import { updateIssue } from "./update-issue.ts";
import { addIssueNote } from "./add-issue-note.ts";
import { getIssueActivity } from "./get-issue-activity.ts";

/**
 * Every MCP tool, in the order agents see them. A new tool is one file in this folder that
 * exports `defineTool({...})` (calling the web API through `ctx.api`) and one line here.
 */
export const TOOLS: McpTool[] = [
  findOrganizations, findProjects, searchIssues, getIssueDetails, searchEvents, getTraceDetails, findReleases, findMonitors, updateIssue, addIssueNote, getIssueActivity, explainIssue,
] as McpTool[];
