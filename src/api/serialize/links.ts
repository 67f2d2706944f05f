/** What links in API answers are built from: the public URL and the organization's slug. */
export interface ApiLinks {
  publicUrl: string;
  organizationSlug: string;
}

/**
 * An issue's web address in Sentry's shape, `{url}/organizations/{org}/issues/{id}/`, so tools
 * that parse Sentry links (the Sentry MCP server, browser extensions) can follow it.
 */
export function issuePermalink(links: ApiLinks, issueId: number | string): string {
  return `${links.publicUrl.replace(/\/+$/, "")}/organizations/${encodeURIComponent(links.organizationSlug)}/issues/${issueId}/`;
}

/** The organization's web address (Sentry's `links.organizationUrl`). */
export function organizationUrl(links: ApiLinks): string {
  return links.publicUrl.replace(/\/+$/, "");
}
