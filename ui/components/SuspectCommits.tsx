import type { ApiCommitters } from "../../src/contract/index.ts";
import { describeError } from "../api/client.ts";
import { useApi } from "../hooks/use-api.ts";
import { externalHref } from "../lib/links.ts";
import { formatRelativeTime } from "../format.ts";

/**
 * Suspect commits of the event on screen: the commits of the first release (and the
 * undeployed releases before it) that touched the files of its crashing frames, closest first,
 * each with its author, message, release, the file and frame it matched, and a link to it.
 */
export function SuspectCommits(props: { org: string; project: string; eventId: string }) {
  const res = useApi<ApiCommitters>(`/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project)}/events/${encodeURIComponent(props.eventId)}/committers/?missing=empty`);
  const missing = res.data?.missing;
  const commits = (res.data?.committers ?? []).flatMap((c) => c.commits.map((commit) => ({ ...commit, author: c.author }))).sort((a, b) => a.rank - b.rank);
  return (
    <section class="panel suspect-commits" aria-label="Suspect commits">
      <h2>Suspect commits</h2>
      {res.loading && !res.data && <p class="muted small">Looking for commits…</p>}
      {missing && (
        <p class="muted small" data-testid="suspect-commits-missing">
          {missing === "Release not found" ? "This issue has no release, so no commits can be suspected." : "No commits are known for this issue's release."}{" "}
          Run <code>sentry-cli releases set-commits &lt;version&gt; --auto</code> in your CI to see which commits touched the crashing code.
        </p>
      )}
      {res.error !== undefined && <p class="error-text">{describeError(res.error)}</p>}
      {res.data && !missing && commits.length === 0 && <p class="muted small">No commit of the release touched the files of the crashing frames.</p>}
      {commits.length > 0 && (
        <ol class="suspect-list">
          {commits.map((c) => (
            <li key={`${c.release.version}-${c.id}`} data-testid="suspect-commit">
              <div class="suspect-head">
                {externalHref(c.url) ? <a href={externalHref(c.url)} target="_blank" rel="noopener noreferrer"><code>{c.id.slice(0, 7)}</code></a> : <code>{c.id.slice(0, 7)}</code>}{" "}
                <span class="suspect-message">{(c.message ?? "").split("\n")[0]}</span>
              </div>
              <div class="muted small">
                {c.author.name ?? c.author.email ?? "unknown author"}
                {c.dateCreated ? ` · ${formatRelativeTime(c.dateCreated, Date.now())}` : ""} · release <code>{c.release.version}</code>
                {c.releaseDistance > 0 ? " (undeployed, before the first release)" : " (first release)"} · changed{" "}
                {c.files.map((f, i) => <span key={f.path}>{i ? ", " : ""}<code>{f.path}</code>{f.frame.function ? ` (${f.frame.function})` : ""}</span>)}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
