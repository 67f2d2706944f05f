import { HTTPError } from "h3";
import { z } from "zod";
import { EMAIL_ADDRESS, RULE_INPUT, type RuleInput } from "../alert-rules/rule-schema.ts";
import { sendTestEmail } from "../alerts/test-email.ts";
import { checkWebhookUrl, UrlPolicyError } from "../alerts/url-policy.ts";
import type { ApiAlertDelivery, ApiAlertRule, ApiTestEmailResult } from "../contract/index.ts";
import type { Project } from "../store/types.ts";
import { param, parseJsonBody, parseQuery, requireOrganization, requireProject, validate, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { requireScopeLevel } from "./scopes.ts";
import { webhookView } from "./webhook-redaction.ts";
import { serializeDelivery, serializeRule } from "./serialize/alerts.ts";

const testEmailSchema = z.object({ to: EMAIL_ADDRESS }).strict();
const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).loose();

/**
 * Alert rules under Sentry's issue-alert path (`/projects/{org}/{project}/rules/`), the delivery
 * history of the outbox, and a test email. Rule bodies are LightTrace's own shape (triggers,
 * filters, actions), validated by src/alerts/rule-schema.ts; PUT merges into the stored rule.
 * Changing rules and sending test mail need an admin token (or a signed-in user): a rule decides
 * where event data goes, so a CI token that may upload releases must not be able to add a webhook.
 */
export function mountAlertRoutes(deps: ApiDeps, route: RouteFn): void {
  const base = "/api/0/projects/:org/:project/rules";
  route("GET", base, async (event): Promise<ApiAlertRule[]> => {
    const project = await _project(deps, event);
    const shown = webhookView(event);
    return (await deps.store.alerts.listRules(project.id)).map((r) => serializeRule(shown.rule(r), project));
  });
  route("POST", base, async (event) => {
    requireScopeLevel(event, "admin");
    const project = await _project(deps, event);
    const input = _checkWebhooks(deps, await parseJsonBody(event, RULE_INPUT));
    const rule = await deps.store.alerts.createRule(project.id, _write(input));
    return Response.json(serializeRule(rule, project), { status: 201 });
  });
  route("GET", `${base}/:id`, async (event): Promise<ApiAlertRule> => {
    const { rule, project } = await _rule(deps, event);
    return serializeRule(webhookView(event).rule(rule), project);
  });
  route("PUT", `${base}/:id`, async (event): Promise<ApiAlertRule> => {
    requireScopeLevel(event, "admin");
    const { rule, project } = await _rule(deps, event);
    const body = await parseJsonBody(event, z.record(z.string(), z.unknown()));
    const merged = { name: rule.name, status: rule.status, ...rule.definition, ...body };
    const input = _checkWebhooks(deps, validate(RULE_INPUT, merged, "field"));
    const updated = await deps.store.alerts.updateRule(rule.id, _write(input));
    if (!updated) throw notFound();
    return serializeRule(updated, project);
  });
  route("DELETE", `${base}/:id`, async (event) => {
    requireScopeLevel(event, "admin");
    const { rule } = await _rule(deps, event);
    await deps.store.alerts.deleteRule(rule.id);
    return new Response(null, { status: 204 });
  });
  route("GET", "/api/0/projects/:org/:project/alert-deliveries", async (event): Promise<ApiAlertDelivery[]> => {
    const project = await _project(deps, event);
    const q = parseQuery(event, historyQuery);
    const shown = webhookView(event);
    return (await deps.store.alerts.listOutbox(project.id, q.limit)).map((row) => serializeDelivery(shown.delivery(row)));
  });
  route("POST", "/api/0/organizations/:org/alerts/test-email", async (event): Promise<ApiTestEmailResult> => {
    requireScopeLevel(event, "admin");
    await requireOrganization(deps, param(event, "org"));
    const { to } = await parseJsonBody(event, testEmailSchema);
    if (!deps.alertEmail) throw new HTTPError({ status: 503, message: "alert email is not available in this process" });
    return sendTestEmail(deps.alertEmail, to, deps.config.baseUrl || deps.publicUrl());
  });
}

// --- Internal ---

async function _project(deps: ApiDeps, event: Parameters<Parameters<RouteFn>[2]>[0]): Promise<Project> {
  await requireOrganization(deps, param(event, "org"));
  return requireProject(deps, param(event, "project"));
}

async function _rule(deps: ApiDeps, event: Parameters<Parameters<RouteFn>[2]>[0]) {
  const project = await _project(deps, event);
  const id = param(event, "id");
  if (!/^\d+$/.test(id)) throw notFound();
  const rule = await deps.store.alerts.getRule(Number(id));
  if (!rule || rule.projectId !== project.id) throw notFound();
  return { rule, project };
}

/** Webhook targets are checked when a rule is saved, not only when it fires (SSRF). */
function _checkWebhooks(deps: ApiDeps, input: RuleInput): RuleInput {
  input.actions.forEach((action, i) => {
    if (action.type !== "webhook") return;
    try {
      checkWebhookUrl(action.url, deps.config.alertAllowPrivateWebhooks);
    } catch (err) {
      if (err instanceof UrlPolicyError) throw badRequest(`invalid field "actions.${i}.url": ${err.message}`);
      throw err;
    }
  });
  return input;
}

function _write(input: RuleInput) {
  const { name, status, ...definition } = input;
  return { name, status, definition };
}
