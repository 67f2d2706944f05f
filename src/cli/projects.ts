import { z } from "zod";
import { formatDsn } from "../bootstrap.ts";
import { createProject } from "../projects/create-project.ts";
import { PROJECT_SLUG } from "../projects/project-slug.ts";
import { fail, print } from "./output.ts";
import { withCliStore } from "./store-access.ts";


const createFlags = z.object({
  name: z.string().min(1).max(200).optional(),
  platform: z.string().regex(/^[a-z0-9.-]{1,64}$/, "lowercase platform name such as node or javascript").optional(),
  data: z.string().optional(),
  json: z.boolean().optional(),
});

/** `lighttrace projects create <slug>`: prints the new project's DSN. */
export async function runProjectsCreate(slug: string, rawFlags: unknown): Promise<void> {
  const slugCheck = PROJECT_SLUG.safeParse(slug);
  if (!slugCheck.success) fail(`invalid project slug "${slug}": ${slugCheck.error.issues[0]!.message}`);
  const flags = createFlags.safeParse(rawFlags);
  if (!flags.success) fail(`invalid --${String(flags.error.issues[0]!.path[0])}: ${flags.error.issues[0]!.message}`);
  await withCliStore(flags.data.data, async ({ store, org, publicUrl }) => {
    if (await store.getProject(slug)) fail(`a project with slug "${slug}" already exists`);
    const { project, key } = await createProject(store, {
      slug, name: flags.data.name ?? slug, platform: flags.data.platform ?? null, organizationId: org.id,
    });
    const dsn = formatDsn(publicUrl, key);
    print(flags.data.json, { id: project.id, slug: project.slug, name: project.name, dsn }, () => [
      `Created project "${project.slug}" (id ${project.id}).`,
      `DSN: ${dsn}`,
    ]);
  });
}

/** `lighttrace projects list` */
export async function runProjectsList(flags: { data?: string; json?: boolean }): Promise<void> {
  await withCliStore(flags.data, async ({ store, publicUrl }) => {
    const rows: { id: number; slug: string; name: string; dsn: string | null }[] = [];
    for (const project of await store.listProjects()) {
      const keys = await store.listProjectKeys(project.id);
      rows.push({ id: project.id, slug: project.slug, name: project.name, dsn: keys[0] ? formatDsn(publicUrl, keys[0]) : null });
    }
    print(flags.json, rows, () =>
      rows.length ? rows.map((r) => `${String(r.id).padStart(4)}  ${r.slug.padEnd(24)} ${r.dsn ?? "(no key)"}`) : ["No projects yet."],
    );
  });
}
