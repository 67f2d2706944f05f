import { useState } from "preact/hooks";
import { apiSend, describeError } from "../api/client.ts";
import type { ApiCreatedProject, ApiProject, ApiProjectKey } from "../../src/contract/index.ts";
import { CodeBlock } from "../components/CodeBlock.tsx";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { Link } from "../components/Link.tsx";
import { formatRelativeTime } from "../format.ts";
import { useApi } from "../hooks/use-api.ts";
import { navigate } from "../hooks/use-location.ts";
import { alertsPath, issueListPath, monitorsPath, projectPath } from "../lib/routes.ts";
import { SNIPPET_PLATFORMS, setupSnippet, type SnippetPlatform } from "../lib/snippets.ts";
import { useFormSubmit } from "../hooks/use-form-submit.ts";
import { ProjectLimits } from "../components/ProjectLimits.tsx";
import { ProjectMttr } from "../components/ProjectMttr.tsx";
import { FeedbackList } from "../components/FeedbackList.tsx";
import { ProjectOwnership } from "../components/ProjectOwnership.tsx";
import { ProjectReleaseHealth } from "../components/ProjectReleaseHealth.tsx";
import { ProjectSourceLinks } from "../components/ProjectSourceLinks.tsx";
import { ProjectGroupingRules } from "../components/ProjectGroupingRules.tsx";

/** The team slug project creation goes through (LightTrace's one implicit team, src/api/teams.ts). */
const TEAM_SLUG = "default";

const PLATFORMS = [
  { value: "node", label: "Node.js" },
  { value: "javascript", label: "Browser JavaScript" },
  { value: "python", label: "Python" },
  { value: "go", label: "Go" },
  { value: "other", label: "Other" },
];

/** Projects: the list, a create form, and the selected project's DSN with SDK setup snippets. */
export function Projects(props: { org: string; selected?: string | undefined }) {
  const projects = useApi<ApiProject[]>(`/api/0/organizations/${encodeURIComponent(props.org)}/projects/`);
  const selected = props.selected ?? projects.data?.[0]?.slug;
  return (
    <section class="projects-page">
      <div class="page-title"><h1>Projects</h1></div>
      {projects.error !== undefined && <ErrorBox title="Could not load projects" message={describeError(projects.error)} onRetry={projects.reload} />}
      <div class="projects-grid">
        <div>
          <ul class="project-list">
            {(projects.data ?? []).map((p) => (
              <li key={p.id} class={p.slug === selected ? "active" : ""}>
                <Link href={projectPath(p.slug)}>
                  <strong>{p.name}</strong>
                  <span class="muted">{p.slug}{p.platform ? ` · ${p.platform}` : ""} · created {formatRelativeTime(p.dateCreated, Date.now())}</span>
                </Link>
              </li>
            ))}
          </ul>
          <CreateProject org={props.org} onCreated={(slug) => {
            projects.reload();
            navigate(projectPath(slug));
          }} />
        </div>
        {selected && (
          <div class="project-panels">
            <ProjectSetup key={selected} org={props.org} slug={selected} project={projects.data?.find((p) => p.slug === selected)} />
            <ProjectMttr key={`mttr-${selected}`} org={props.org} slug={selected} />
            <FeedbackList key={`feedback-${selected}`} path={`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(selected)}/user-feedback/`}
              title="User feedback" showIssue emptyText="No feedback yet: the SDKs' feedback widget and captureFeedback send it here." />
            <ProjectReleaseHealth key={`releases-${selected}`} org={props.org} slug={selected} />
            <ProjectLimits key={`limits-${selected}`} org={props.org} slug={selected} />
            <ProjectSourceLinks key={`links-${selected}`} org={props.org} slug={selected} />
            <ProjectGroupingRules key={`grouping-${selected}`} org={props.org} slug={selected} />
            <ProjectOwnership key={`ownership-${selected}`} org={props.org} slug={selected} />
          </div>
        )}
      </div>
    </section>
  );
}

// --- Internal ---

function CreateProject(props: { org: string; onCreated: (slug: string) => void }) {
  const [name, setName] = useState("");
  const [platform, setPlatform] = useState("node");
  const { busy, error, onSubmit } = useFormSubmit();
  const submit = onSubmit(async () => {
    const created = await apiSend<ApiCreatedProject>("POST", `/api/0/teams/${encodeURIComponent(props.org)}/${TEAM_SLUG}/projects/`, {
      name: name.trim(), platform: platform === "other" ? null : platform,
    });
    setName("");
    props.onCreated(created.slug);
  });
  return (
    <form class="create-project panel" onSubmit={submit}>
      <h2>New project</h2>
      <label>Name
        <input type="text" required maxLength={200} value={name} placeholder="checkout-api" onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>Platform
        <select value={platform} onChange={(e) => setPlatform(e.currentTarget.value)}>
          {PLATFORMS.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
        </select>
      </label>
      <button type="submit" class="primary" disabled={busy || !name.trim()}>Create project</button>
      {error && <p class="error-text" role="alert">{error}</p>}
    </form>
  );
}

function ProjectSetup(props: { org: string; slug: string; project: ApiProject | undefined }) {
  const keys = useApi<ApiProjectKey[]>(`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.slug)}/keys/`);
  const defaultTab: SnippetPlatform = props.project?.platform === "python" ? "python" : props.project?.platform === "go" ? "go"
    : props.project?.platform === "javascript" ? "browser" : "node";
  const [tab, setTab] = useState<SnippetPlatform>(defaultTab);
  const [release, setRelease] = useState("my-app@1.0.0");
  const [environment, setEnvironment] = useState("production");
  const dsn = keys.data?.find((k) => k.isActive)?.dsn.public;
  const snippet = dsn ? setupSnippet(tab, dsn, release || "my-app@1.0.0", environment || "production") : undefined;
  return (
    <div class="panel project-setup">
      <div class="panel-head">
        <h2>{props.project?.name ?? props.slug}</h2>
        <span class="panel-links"><Link href={alertsPath(props.slug)}>Alerts →</Link> <Link href={monitorsPath(props.slug)}>Cron monitors →</Link> <Link href={issueListPath(props.slug)}>View issues →</Link></span>
      </div>
      {keys.error !== undefined && <ErrorBox title="Could not load the DSN" message={describeError(keys.error)} onRetry={keys.reload} />}
      <p>DSN</p>
      {dsn ? <CodeBlock code={dsn} /> : !keys.error && <p class="muted">Loading…</p>}
      <div class="setup-options">
        <label>Release <input type="text" value={release} onInput={(e) => setRelease(e.currentTarget.value)} /></label>
        <label>Environment <input type="text" value={environment} onInput={(e) => setEnvironment(e.currentTarget.value)} /></label>
      </div>
      <div class="tabs" role="tablist" aria-label="SDK">
        {SNIPPET_PLATFORMS.map((p) => (
          <button key={p.platform} type="button" role="tab" aria-selected={tab === p.platform} class={tab === p.platform ? "on" : ""} onClick={() => setTab(p.platform)}>
            {p.label}
          </button>
        ))}
      </div>
      {snippet && (
        <div role="tabpanel">
          <CodeBlock label="Install" code={snippet.install} />
          <CodeBlock label="Initialise" code={snippet.code} />
        </div>
      )}
    </div>
  );
}
