import { useEffect, useRef, useState } from "preact/hooks";
import { apiSend, describeError } from "../api/client.ts";
import type { ApiIssue, ApiIssueStatus, ApiProject } from "../../src/contract/index.ts";
import { ErrorBox } from "../components/ErrorBox.tsx";
import { FirstEventGuide } from "../components/FirstEventGuide.tsx";
import { IssueRow } from "../components/IssueRow.tsx";
import { useApi } from "../hooks/use-api.ts";
import { navigate } from "../hooks/use-location.ts";
import { issueListPath, issuePath } from "../lib/routes.ts";
import { DEFAULT_QUERY, getQueryFilter, setQueryFilter } from "../lib/search-query.ts";

export const SORTS = [
  { value: "priority", label: "Triage priority" },
  { value: "date", label: "Last seen" },
  { value: "new", label: "First seen" },
  { value: "freq", label: "Events" },
  { value: "user", label: "Users" },
] as const;

const STATUS_OPTIONS = [
  { value: "unresolved", label: "Unresolved" },
  { value: "resolved", label: "Resolved" },
  { value: "ignored", label: "Ignored" },
  { value: "", label: "Any status" },
];

const LEVEL_OPTIONS = ["", "fatal", "error", "warning", "info", "debug"];

/**
 * The triage view: issues across all projects (or one), sorted by triage priority by default,
 * with filters that edit the search query, bulk resolve/ignore and keyboard control
 * (j/k move, enter opens, r resolves, x selects, / searches).
 */
export function IssueList(props: { org: string; project?: string | undefined; search: URLSearchParams }) {
  const query = props.search.get("query") ?? DEFAULT_QUERY;
  const sort = props.search.get("sort") ?? "priority";
  const period = props.search.get("statsPeriod") === "14d" ? "14d" : "24h";
  const cursor = props.search.get("cursor") ?? "";

  // groupStatsPeriod picks the sparkline; statsPeriod would also narrow the list to that window
  const params = new URLSearchParams({ query, sort, groupStatsPeriod: period, limit: "25" });
  if (cursor) params.set("cursor", cursor);
  const base = props.project
    ? `/api/0/projects/${encodeURIComponent(props.org)}/${encodeURIComponent(props.project)}/issues/`
    : `/api/0/organizations/${encodeURIComponent(props.org)}/issues/`;
  const issues = useApi<ApiIssue[]>(`${base}?${params}`);
  const projects = useApi<ApiProject[]>(`/api/0/organizations/${encodeURIComponent(props.org)}/projects/`);
  // an empty default view may be a fresh install: look for any issue at all before saying so
  const isDefaultView = query === DEFAULT_QUERY && !cursor;
  const anyIssue = useApi<ApiIssue[]>(issues.data?.length === 0 && isDefaultView ? `${base}?query=&limit=1` : null);

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focus, setFocus] = useState(0);
  const [notice, setNotice] = useState<{ kind: "ok" | "error"; text: string } | undefined>(undefined);
  const [searchText, setSearchText] = useState(query);
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => setSearchText(query), [query]);
  useEffect(() => {
    setSelected(new Set());
    setFocus(0);
  }, [query, sort, cursor, props.project]);

  const update = (changes: Record<string, string | undefined>, options: { replace?: boolean } = {}) => {
    const next = new URLSearchParams(props.search);
    next.delete("cursor");
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    }
    navigate(issueListPath(props.project, next), options);
  };
  const setFilter = (key: string, value: string | undefined) => update({ query: setQueryFilter(query, key, value).trim() });

  const list = issues.data ?? [];
  const setStatus = async (ids: string[], status: ApiIssueStatus) => {
    if (ids.length === 0) return;
    try {
      const qs = ids.map((id) => `id=${encodeURIComponent(id)}`).join("&");
      await apiSend("PUT", `/api/0/organizations/${encodeURIComponent(props.org)}/issues/?${qs}`, { status });
      const verb = status === "resolved" ? "Resolved" : status === "ignored" ? "Ignored" : "Reopened";
      setNotice({ kind: "ok", text: `${verb} ${ids.length} issue${ids.length === 1 ? "" : "s"}.` });
      setSelected(new Set());
      issues.reload();
    } catch (err) {
      setNotice({ kind: "error", text: `Could not change the status: ${describeError(err)}` });
    }
  };

  // keyboard triage
  const state = useRef({ list, focus, selected });
  state.current = { list, focus, selected };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) {
        if (e.key === "Escape") target.blur();
        return;
      }
      const { list: rows, focus: f, selected: sel } = state.current;
      if (e.key === "/") {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (e.key === "j" && rows.length) {
        setFocus(Math.min(rows.length - 1, f + 1));
      } else if (e.key === "k" && rows.length) {
        setFocus(Math.max(0, f - 1));
      } else if (e.key === "Enter" && rows[f]) {
        if (target && (target.tagName === "BUTTON" || target.tagName === "A")) return;
        navigate(issuePath(rows[f]!.id));
      } else if (e.key === "x" && rows[f]) {
        const next = new Set(sel);
        if (next.has(rows[f]!.id)) next.delete(rows[f]!.id); else next.add(rows[f]!.id);
        setSelected(next);
      } else if (e.key === "r") {
        const ids = sel.size ? [...sel] : rows[f] ? [rows[f]!.id] : [];
        void setStatus(ids, "resolved");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [props.org]);
  useEffect(() => {
    document.querySelector(`[data-row-index="${focus}"]`)?.scrollIntoView({ block: "nearest" });
  }, [focus]);

  const status = getQueryFilter(query, "is") ?? "";
  const allSelected = list.length > 0 && list.every((i) => selected.has(i.id));
  const projectList = projects.data ?? [];
  const firstProject = props.project ? projectList.find((p) => p.slug === props.project) : projectList[0];
  const freshInstall = issues.data?.length === 0 && isDefaultView && anyIssue.data?.length === 0;

  return (
    <section class="issue-list-page">
      <div class="page-title">
        <h1>{props.project ? `Issues in ${props.project}` : "Issues"}</h1>
        <span class="muted">{props.project ? "one project" : "all projects"} · sorted by {SORTS.find((s) => s.value === sort)?.label.toLowerCase() ?? sort}</span>
      </div>

      <form class="search" role="search" onSubmit={(e) => { e.preventDefault(); update({ query: searchText.trim() }); }}>
        <input
          ref={searchRef}
          type="search"
          name="query"
          aria-label="Search issues"
          placeholder='is:unresolved release:api@2.4.1 level:error timeout   (press / to search)'
          value={searchText}
          onInput={(e) => setSearchText(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
      </form>

      <div class="filters">
        <label>ApiProject
          <select value={props.project ?? ""} onChange={(e) => navigate(issueListPath(e.currentTarget.value || undefined, props.search))}>
            <option value="">All projects</option>
            {projectList.map((p) => <option key={p.id} value={p.slug}>{p.slug}</option>)}
          </select>
        </label>
        <label>Status
          <select value={status} onChange={(e) => setFilter("is", e.currentTarget.value || undefined)}>
            {STATUS_OPTIONS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
        <label>Level
          <select value={getQueryFilter(query, "level") ?? ""} onChange={(e) => setFilter("level", e.currentTarget.value || undefined)}>
            {LEVEL_OPTIONS.map((l) => <option key={l} value={l}>{l || "Any level"}</option>)}
          </select>
        </label>
        <TextFilter label="Environment" value={getQueryFilter(query, "environment") ?? ""} placeholder="production" onApply={(v) => setFilter("environment", v || undefined)} />
        <TextFilter label="Release" value={getQueryFilter(query, "release") ?? ""} placeholder="api@2.4.1" onApply={(v) => setFilter("release", v || undefined)} />
        <label>Sort
          <select value={sort} onChange={(e) => update({ sort: e.currentTarget.value })}>
            {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
        </label>
        <div class="segmented" role="group" aria-label="Graph period">
          {(["24h", "14d"] as const).map((p) => (
            <button key={p} type="button" aria-pressed={period === p} class={period === p ? "on" : ""} onClick={() => update({ statsPeriod: p }, { replace: true })}>{p}</button>
          ))}
        </div>
      </div>

      <div class="bulk-bar">
        <label class="check">
          <input
            type="checkbox"
            aria-label="Select all issues on this page"
            checked={allSelected}
            onChange={() => setSelected(allSelected ? new Set() : new Set(list.map((i) => i.id)))}
          />
        </label>
        <button type="button" disabled={selected.size === 0} onClick={() => setStatus([...selected], "resolved")}>Resolve</button>
        <button type="button" disabled={selected.size === 0} onClick={() => setStatus([...selected], "ignored")}>Ignore</button>
        {status !== "unresolved" && (
          <button type="button" disabled={selected.size === 0} onClick={() => setStatus([...selected], "unresolved")}>Unresolve</button>
        )}
        <span class="muted bulk-count">{selected.size ? `${selected.size} selected` : "j/k move · enter open · x select · r resolve · / search"}</span>
        {issues.loading && <span class="spinner" aria-label="Loading" />}
      </div>

      {notice && <div class={`notice notice-${notice.kind}`} role="status">{notice.text}</div>}

      {issues.error !== undefined && (
        <ErrorBox title="Could not load issues" message={describeError(issues.error)} onRetry={issues.reload} />
      )}

      {issues.data && list.length > 0 && (
        <div class="issue-table" role="table" aria-label="Issues">
          <div class="issue-head" role="row">
            <span role="columnheader" />
            <span role="columnheader">ApiIssue</span>
            <span role="columnheader" class="col-graph">{period}</span>
            <span role="columnheader" class="col-num">Events</span>
            <span role="columnheader" class="col-num">Users</span>
            <span role="columnheader" class="col-seen">First seen</span>
            <span role="columnheader" class="col-seen">Last seen</span>
          </div>
          {list.map((issue, index) => (
            <IssueRow
              key={issue.id}
              issue={issue}
              index={index}
              period={period}
              focused={index === focus}
              selected={selected.has(issue.id)}
              showProject={!props.project}
              onToggle={() => {
                const next = new Set(selected);
                if (next.has(issue.id)) next.delete(issue.id); else next.add(issue.id);
                setSelected(next);
              }}
              onFocus={() => setFocus(index)}
            />
          ))}
        </div>
      )}

      {issues.data && list.length === 0 && !freshInstall && (
        <div class="empty-list">
          <strong>No issues match.</strong>
          <p class="muted">{query ? <>Search: <code>{query}</code>. </> : null}Try another status or clear the filters.</p>
          <button type="button" onClick={() => update({ query: DEFAULT_QUERY, sort: undefined })}>Reset filters</button>
        </div>
      )}
      {freshInstall && <FirstEventGuide org={props.org} project={firstProject} />}

      {(issues.previousCursor || issues.nextCursor) && (
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={!issues.previousCursor} onClick={() => update({ cursor: issues.previousCursor ?? undefined })}>← Previous</button>
          <button type="button" disabled={!issues.nextCursor} onClick={() => update({ cursor: issues.nextCursor ?? undefined })}>Next →</button>
        </nav>
      )}
    </section>
  );
}

// --- Internal ---

function TextFilter(props: { label: string; value: string; placeholder: string; onApply: (value: string) => void }) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const apply = () => {
    if (text.trim() !== props.value) props.onApply(text.trim());
  };
  return (
    <label>{props.label}
      <input
        type="text"
        value={text}
        placeholder={props.placeholder}
        onInput={(e) => setText(e.currentTarget.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            apply();
          }
        }}
      />
    </label>
  );
}
