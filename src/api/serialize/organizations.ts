import type { ApiCreatedProject, ApiLogin, ApiOrganization, ApiOrganizationDetail, ApiProject, ApiProjectKey, ApiTeam } from "../../contract/index.ts";
import type { Team } from "../../store/model/activity.ts";
import { formatDsn } from "../../bootstrap.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { Organization, Project, ProjectKey, User } from "../../store/types.ts";
import { organizationUrl, type ApiLinks } from "./links.ts";

/** The organization, its projects, their keys, the implicit team and the signed-in user, in Sentry's shapes. */

export function serializeOrganization(org: Organization, links: ApiLinks): ApiOrganization {
  return {
    id: String(org.id),
    slug: org.slug,
    name: org.name,
    dateCreated: toIsoString(org.createdAtSec),
    status: { id: "active", name: "active" },
    isEarlyAdopter: false,
    require2FA: false,
    features: [],
    // a self-hosted Sentry has no region URL: clients keep using the address they were given
    links: { organizationUrl: organizationUrl(links), regionUrl: "" },
  };
}

export function serializeOrganizationDetail(org: Organization, projects: Project[], links: ApiLinks): ApiOrganizationDetail {
  return { ...serializeOrganization(org, links), projects: projects.map((p) => serializeProject(p)) };
}

export function serializeProject(project: Project, org?: Organization): ApiProject {
  return {
    id: String(project.id),
    slug: project.slug,
    name: project.name,
    platform: project.platform,
    dateCreated: toIsoString(project.createdAtSec),
    isBookmarked: false,
    isMember: true,
    hasAccess: true,
    status: "active",
    features: [],
    ...(org ? { organization: { id: String(org.id), slug: org.slug, name: org.name } } : {}),
  };
}

export function serializeProjectKey(key: ProjectKey, publicUrl: string): ApiProjectKey {
  const dsn = formatDsn(publicUrl, key);
  const base = `${publicUrl.replace(/\/$/, "")}/api/${key.projectId}`;
  return {
    id: key.publicKey,
    name: key.label,
    label: key.label,
    public: key.publicKey,
    secret: null,
    projectId: key.projectId,
    isActive: key.isActive,
    dateCreated: toIsoString(key.createdAtSec),
    rateLimit: null,
    dsn: {
      public: dsn,
      secret: dsn,
      csp: `${base}/security/?sentry_key=${key.publicKey}`,
      security: `${base}/security/?sentry_key=${key.publicKey}`,
      minidump: `${base}/minidump/?sentry_key=${key.publicKey}`,
      unreal: `${base}/unreal/${key.publicKey}/`,
      cdn: null,
    },
  };
}

/** A project just created, with its DSN key so a client needs no second request (LightTrace addition). */
export function serializeCreatedProject(project: Project, key: ProjectKey, org: Organization, publicUrl: string): ApiCreatedProject {
  return { ...serializeProject(project, org), keys: [serializeProjectKey(key, publicUrl)] };
}

/** LightTrace has one implicit team per organization (Sentry's project creation goes through one). */
/** The implicit team every project belongs to (id 0: stored routing teams number from 1). */
export function serializeTeam(slug: string, org: Organization): ApiTeam {
  return { id: "0", slug, name: "Default", dateCreated: toIsoString(org.createdAtSec), isMember: true, hasAccess: true, memberCount: 1, memberEmails: [] };
}

/** A routing team (issue 18): a named group of member emails that owners, assignment and alerts name. */
export function serializeRoutingTeam(team: Team): ApiTeam {
  return {
    id: String(team.id), slug: team.slug, name: team.name, dateCreated: toIsoString(team.createdAtSec), isMember: true, hasAccess: true,
    memberCount: team.memberEmails.length, memberEmails: team.memberEmails,
  };
}

export function serializeLogin(user: User, autoSignedIn: boolean): ApiLogin {
  return { user: { id: String(user.id), email: user.email, isLocalAdmin: user.isLocalAdmin }, autoSignedIn };
}
