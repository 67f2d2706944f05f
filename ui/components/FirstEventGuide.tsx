import type { ApiProject, ApiProjectKey } from "../../src/contract/index.ts";
import { useApi } from "../hooks/use-api.ts";
import { projectPath } from "../lib/routes.ts";
import { setupSnippet } from "../lib/snippets.ts";
import { CodeBlock } from "./CodeBlock.tsx";
import { EmptyState } from "./EmptyState.tsx";
import { Link } from "./Link.tsx";

/** The fresh-install screen: no issue yet, so show the DSN and the shortest way to send an event. */
export function FirstEventGuide(props: { org: string; project: ApiProject | undefined }) {
  const keys = useApi<ApiProjectKey[]>(
    props.project ? `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project.slug)}/keys/` : null,
  );
  const dsn = keys.data?.[0]?.dsn.public;
  const snippet = dsn ? setupSnippet("node", dsn) : undefined;
  return (
    <EmptyState title="No issues yet: send a first event">
      <p>LightTrace speaks the Sentry protocol. Point any Sentry SDK at this DSN and errors show up here within a second.</p>
      {props.project && (
        <p>
          ApiProject <strong>{props.project.slug}</strong> · DSN{" "}
          {dsn ? <code class="dsn">{dsn}</code> : <span class="muted">loading…</span>}
        </p>
      )}
      {snippet && (
        <>
          <CodeBlock code={snippet.install} />
          <CodeBlock code={`${snippet.code}\n\nSentry.captureException(new Error("Hello from LightTrace"));`} />
        </>
      )}
      <p>
        Using Python, Go or the browser? <Link href={props.project ? projectPath(props.project.slug) : "/projects/"}>See the setup for every SDK</Link>.
      </p>
    </EmptyState>
  );
}
