import { useState } from "preact/hooks";
import { apiSend, describeError } from "../api/client.ts";
import type { ApiSourceLinkSettings } from "../../src/contract/index.ts";
import { useApi } from "../hooks/use-api.ts";
import { useFormSubmit } from "../hooks/use-form-submit.ts";
import { ErrorBox } from "./ErrorBox.tsx";

/**
 * A project's source links: the repository (GitHub, GitLab, Bitbucket or any URL template) and
 * the path mapping from stack-trace paths to repository paths. With a release commit (from
 * `sentry-cli releases set-commits` or a SHA in the release name) in-app frames link to the line.
 */
export function ProjectSourceLinks(props: { org: string; slug: string }) {
  const path = `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.slug)}/source-links/`;
  const settings = useApi<ApiSourceLinkSettings>(path);
  return (
    <div class="panel source-links">
      <h2>Source links</h2>
      {settings.error !== undefined && <ErrorBox title="Could not load the source-link settings" message={describeError(settings.error)} onRetry={settings.reload} />}
      {settings.data && <SourceLinkForm key={JSON.stringify(settings.data)} path={path} settings={settings.data} onSaved={settings.reload} />}
    </div>
  );
}

// --- Internal ---

function SourceLinkForm(props: { path: string; settings: ApiSourceLinkSettings; onSaved: () => void }) {
  const s = props.settings;
  const [repositoryUrl, setRepositoryUrl] = useState(s.repositoryUrl ?? "");
  const [repository, setRepository] = useState(s.repository ?? "");
  const [urlTemplate, setUrlTemplate] = useState(s.urlTemplate ?? "");
  const [stackRoot, setStackRoot] = useState(s.stackRoot);
  const [sourceRoot, setSourceRoot] = useState(s.sourceRoot);
  const { busy, error, onSubmit } = useFormSubmit();
  const save = onSubmit(async () => {
    await apiSend("PUT", props.path, { repositoryUrl: repositoryUrl.trim(), repository: repository.trim(), urlTemplate: urlTemplate.trim(), stackRoot, sourceRoot });
    props.onSaved();
  });
  const remove = onSubmit(async () => {
    await apiSend("DELETE", props.path);
    props.onSaved();
  });
  return (
    <form class="source-link-form" onSubmit={save}>
      <label>Repository URL
        <input type="url" required value={repositoryUrl} placeholder="https://github.com/acme/shop" onInput={(e) => setRepositoryUrl(e.currentTarget.value)} />
      </label>
      <label>Repository name <span class="muted">(for <code>set-commits --commit name@sha</code>; default: from the URL)</span>
        <input type="text" value={repository} placeholder="acme/shop" onInput={(e) => setRepository(e.currentTarget.value)} />
      </label>
      <label>Link template <span class="muted">(optional; {"{commit}"}, {"{path}"}, {"{line}"})</span>
        <input type="text" value={urlTemplate} placeholder={s.effectiveUrlTemplate ?? "https://git.example/{path}?at={commit}#L{line}"} onInput={(e) => setUrlTemplate(e.currentTarget.value)} />
      </label>
      <div class="setup-options">
        <label>Stack root <input type="text" value={stackRoot} placeholder="/srv/app/" onInput={(e) => setStackRoot(e.currentTarget.value)} /></label>
        <label>Source root <input type="text" value={sourceRoot} placeholder="packages/web/" onInput={(e) => setSourceRoot(e.currentTarget.value)} /></label>
      </div>
      {s.configured && <p class="muted">Links look like <code>{s.effectiveUrlTemplate}</code></p>}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy || !repositoryUrl.trim()}>Save source links</button>
        {s.configured && <button type="button" disabled={busy} onClick={remove}>Remove</button>}
      </div>
      {error && <p class="error-text" role="alert">{error}</p>}
    </form>
  );
}
