import { useEffect, useState } from "preact/hooks";
import { ApiError, apiGet, apiSend, describeError } from "./api/client.ts";
import type { ApiLogin, ApiNoLogin, ApiOrganization } from "../src/contract/index.ts";
import { Link } from "./components/Link.tsx";
import { ErrorBox } from "./components/ErrorBox.tsx";
import { useLocation } from "./hooks/use-location.ts";
import { parseRoute } from "./lib/routes.ts";
import { IssueDetail } from "./pages/IssueDetail.tsx";
import { IssueList } from "./pages/IssueList.tsx";
import { Login } from "./pages/Login.tsx";
import { Projects } from "./pages/Projects.tsx";
import { Releases } from "./pages/Releases.tsx";
import { ReleaseDetail } from "./pages/ReleaseDetail.tsx";
import { ProjectAlerts } from "./pages/ProjectAlerts.tsx";
import { TraceView } from "./pages/TraceView.tsx";
import { Monitors } from "./pages/Monitors.tsx";
import { MonitorDetail } from "./pages/MonitorDetail.tsx";

type Boot =
  | { state: "loading" }
  | { state: "login" }
  | { state: "ready"; login: ApiLogin; org: ApiOrganization }
  | { state: "failed"; error: unknown };

/**
 * The layout and the client-side routes. On load it asks the API who is signed in; when nobody is
 * and the server would sign this browser in as the local admin (its own machine), it asks it to,
 * else it shows the login form.
 */
export function App() {
  const [boot, setBoot] = useState<Boot>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const login = await _signedInUser();
        const orgs = await apiGet<ApiOrganization[]>("/api/0/organizations/");
        if (!orgs[0]) throw new Error("This installation has no organization yet; restart the server to create it.");
        if (!cancelled) setBoot({ state: "ready", login, org: orgs[0] });
      } catch (err) {
        if (cancelled) return;
        setBoot(err instanceof ApiError && err.status === 401 ? { state: "login" } : { state: "failed", error: err });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  if (boot.state === "loading") return <div class="boot">Loading LightTrace…</div>;
  if (boot.state === "login") return <Login onSignedIn={() => setAttempt((n) => n + 1)} />;
  if (boot.state === "failed") {
    return (
      <main class="page">
        <ErrorBox title="LightTrace could not start" message={describeError(boot.error)} onRetry={() => setAttempt((n) => n + 1)} />
      </main>
    );
  }
  return <Shell org={boot.org} login={boot.login} onSignedOut={() => setAttempt((n) => n + 1)} />;
}

// --- Internal ---

async function _signedInUser(): Promise<ApiLogin> {
  const login = await apiGet<ApiLogin | ApiNoLogin>("/api/0/auth/login/");
  if (login.user) return login;
  if (login.localSignIn) return apiSend<ApiLogin>("POST", "/api/0/auth/login/local/");
  throw new ApiError(401, login.detail);
}

function Shell(props: { org: ApiOrganization; login: ApiLogin; onSignedOut: () => void }) {
  const location = useLocation();
  const route = parseRoute(location.pathname);
  const section = route.name === "projects" || route.name === "alerts" ? "projects"
    : route.name === "releases" || route.name === "release" ? "releases"
    : route.name === "monitors" || route.name === "monitor" ? "crons" : "issues";
  return (
    <>
      <header class="topbar">
        <Link href="/" class="brand" aria-label="LightTrace home">
          <span class="brand-dot" aria-hidden="true" />LightTrace
        </Link>
        <nav class="topnav" aria-label="Main">
          <Link href="/" class={section === "issues" ? "active" : ""}>Issues</Link>
          <Link href="/releases/" class={section === "releases" ? "active" : ""}>Releases</Link>
          <Link href="/crons/" class={section === "crons" ? "active" : ""}>Crons</Link>
          <Link href="/projects/" class={section === "projects" ? "active" : ""}>Projects</Link>
        </nav>
        <span class="topbar-user" title={props.login.user.email}>
          {props.login.user.isLocalAdmin ? "local admin" : props.login.user.email}
          {!props.login.user.isLocalAdmin && <SignOut onDone={props.onSignedOut} />}
        </span>
      </header>
      <main class="page">
        {route.name === "issues" && <IssueList org={props.org.slug} project={route.project} search={location.search} />}
        {route.name === "issue" && <IssueDetail org={props.org.slug} issueId={route.issueId} eventId={route.eventId} />}
        {route.name === "projects" && <Projects org={props.org.slug} selected={route.project} />}
        {route.name === "releases" && <Releases org={props.org.slug} project={route.project} />}
        {route.name === "release" && <ReleaseDetail org={props.org.slug} version={route.version} />}
        {route.name === "monitors" && <Monitors org={props.org.slug} project={route.project} />}
        {route.name === "monitor" && <MonitorDetail org={props.org.slug} project={route.project} slug={route.slug} />}
        {route.name === "alerts" && <ProjectAlerts org={props.org.slug} project={route.project} />}
        {route.name === "trace" && <TraceView org={props.org.slug} traceId={route.traceId} highlightEventId={new URLSearchParams(location.search).get("event") ?? undefined} />}
        {route.name === "notFound" && (
          <ErrorBox title="Page not found" message={`Nothing lives at ${route.path}.`} action={<Link href="/">Go to the issue list</Link>} />
        )}
      </main>
    </>
  );
}

function SignOut(props: { onDone: () => void }) {
  const signOut = async () => {
    await fetch("/api/0/auth/login/", { method: "DELETE", credentials: "same-origin" });
    props.onDone();
  };
  return <button type="button" class="link-button" onClick={signOut}>Sign out</button>;
}
