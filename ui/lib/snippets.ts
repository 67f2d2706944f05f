/** Copy-paste SDK setup for a project's DSN, each with release and environment set. */

export type SnippetPlatform = "node" | "browser" | "python" | "go";

export interface Snippet { platform: SnippetPlatform; label: string; install: string; code: string }

export const SNIPPET_PLATFORMS: { platform: SnippetPlatform; label: string }[] = [
  { platform: "node", label: "Node.js (@sentry/node)" },
  { platform: "browser", label: "Browser (@sentry/browser)" },
  { platform: "python", label: "Python (sentry_sdk)" },
  { platform: "go", label: "Go (sentry-go)" },
];

/**
 * The install command and init code for one SDK, pointing at `dsn`.
 * @example setupSnippet("python", dsn).code // 'import sentry_sdk\n\nsentry_sdk.init(\n    dsn="http://…'
 */
export function setupSnippet(platform: SnippetPlatform, dsn: string, release = "my-app@1.0.0", environment = "production"): Snippet {
  const label = SNIPPET_PLATFORMS.find((p) => p.platform === platform)!.label;
  const q = JSON.stringify;
  switch (platform) {
    case "node":
      return {
        platform, label, install: "npm install @sentry/node",
        code: `// instrument.mjs — load it first: node --import ./instrument.mjs app.mjs
import * as Sentry from "@sentry/node";

Sentry.init({
  dsn: ${q(dsn)},
  release: ${q(release)},
  environment: ${q(environment)},
});`,
      };
    case "browser":
      return {
        platform, label, install: "npm install @sentry/browser",
        code: `import * as Sentry from "@sentry/browser";

Sentry.init({
  dsn: ${q(dsn)},
  release: ${q(release)},
  environment: ${q(environment)},
});`,
      };
    case "python":
      return {
        platform, label, install: "pip install sentry-sdk",
        code: `import sentry_sdk

sentry_sdk.init(
    dsn=${q(dsn)},
    release=${q(release)},
    environment=${q(environment)},
)`,
      };
    case "go":
      return {
        platform, label, install: "go get github.com/getsentry/sentry-go",
        code: `import (
\t"log"
\t"time"

\t"github.com/getsentry/sentry-go"
)

func main() {
\terr := sentry.Init(sentry.ClientOptions{
\t\tDsn:         ${q(dsn)},
\t\tRelease:     ${q(release)},
\t\tEnvironment: ${q(environment)},
\t})
\tif err != nil {
\t\tlog.Fatalf("sentry.Init: %s", err)
\t}
\tdefer sentry.Flush(2 * time.Second)
}`,
      };
  }
}
