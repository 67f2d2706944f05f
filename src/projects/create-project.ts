import { DEFAULT_RULE } from "../alert-rules/rule-schema.ts";
import type { Project, ProjectKey, Store } from "../store/types.ts";

/**
 * Creates a project as every path does (the web API, `lighttrace project add`, the first start):
 * with its first DSN key and the default alert rule (new issues and regressions, by email to the
 * admins), in one transaction, so no project ever exists without alerting.
 */
export function createProject(store: Pick<Store, "createProject">, input: { slug: string; name: string; platform: string | null; organizationId: number }): Promise<{ project: Project; key: ProjectKey }> {
  return store.createProject({ ...input, defaultAlertRules: [{ name: DEFAULT_RULE.name, status: "active", definition: DEFAULT_RULE.definition }] });
}
