import type { Config } from "./config.ts";
import type { Organization, Project, ProjectKey, Store } from "./store/types.ts";
import { createProject } from "./projects/create-project.ts";

export interface BootstrapResult {
  organization: Organization;
  /** set when this start created the first project (an empty data directory) */
  firstProject?: { project: Project; key: ProjectKey };
}

/** Slug of the project an empty installation starts with. */
export const FIRST_PROJECT_SLUG = "my-project";

/**
 * Makes sure the organization exists (renaming it when `orgSlug` changed), creates a first project
 * on an empty installation, and records the public URL so CLI commands print working DSNs.
 */
export async function bootstrapInstallation(store: Store, config: Config, publicUrl: string): Promise<BootstrapResult> {
  const organization = await store.ensureOrganization(config.orgSlug, "LightTrace");
  await store.setSetting("public_url", publicUrl);
  const projects = await store.listProjects();
  if (projects.length > 0) return { organization };
  const firstProject = await createProject(store, { slug: FIRST_PROJECT_SLUG, name: "My Project", platform: null, organizationId: organization.id });
  return { organization, firstProject };
}

/** A project key's DSN: `http://<key>@host:port/<project id>`. */
export function formatDsn(publicUrl: string, key: ProjectKey): string {
  const u = new URL(publicUrl);
  return `${u.protocol}//${key.publicKey}@${u.host}${u.pathname.replace(/\/$/, "")}/${key.projectId}`;
}
