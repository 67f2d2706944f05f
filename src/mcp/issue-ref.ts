import { z } from "zod";
import { ToolInputError } from "./tool.ts";

/** The input fields of a tool that names one issue (as Sentry's MCP tools take them). */
export const ISSUE_REF_INPUT = {
  organizationSlug: z.string().max(100).optional().describe("organization slug (default: the installation's)"),
  issueId: z.string().max(100).optional().describe("numeric id or short id like MY-PROJECT-1A"),
  issueUrl: z.string().max(2000).optional().describe("a link to the issue in the LightTrace UI (or a Sentry-style issue URL)"),
};

/**
 * The issue an agent names: a numeric id (`4821`), a short id (`MY-PROJECT-1A`) or an issue URL
 * (LightTrace's `/issues/4821/`, or Sentry-style `/organizations/acme/issues/MY-PROJECT-1A/`).
 * Returns the id or short id, and the organization slug when the URL names one.
 */
export function parseIssueRef(ref: { issueId?: string | undefined; issueUrl?: string | undefined }): { id: string; org?: string } {
  if (ref.issueId?.trim()) {
    const id = ref.issueId.trim();
    if (!/^\d+$/.test(id) && !/^[A-Za-z0-9_.-]+-[0-9A-Za-z]+$/.test(id)) throw new ToolInputError(`"${id.slice(0, 60)}" is neither an issue id (4821) nor a short id (MY-PROJECT-1A)`);
    return { id };
  }
  if (ref.issueUrl?.trim()) {
    let url: URL;
    try {
      url = new URL(ref.issueUrl.trim());
    } catch {
      throw new ToolInputError(`"${ref.issueUrl.slice(0, 100)}" is not a URL`);
    }
    const m = /(?:\/organizations\/([^/]+))?\/issues\/([^/?#]+)/.exec(url.pathname);
    if (!m) throw new ToolInputError(`no issue in the URL ${url.pathname.slice(0, 100)} (expected …/issues/<id>/)`);
    return { id: decodeURIComponent(m[2]!), ...(m[1] ? { org: decodeURIComponent(m[1]) } : {}) };
  }
  throw new ToolInputError("name the issue: issueId (4821 or MY-PROJECT-1A) or issueUrl");
}
