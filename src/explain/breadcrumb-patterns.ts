import { controlKey, describeCrumb, endpointKey, isHttpCrumb, isUserAction, requestStart, statusOf } from "./actions.ts";
import type { FactCrumb } from "./event-facts.ts";
import type { Finding } from "./types.ts";

/** The same control used again within this many seconds is a repeated action. */
export const REPEAT_CLICK_WINDOW_S = 2;
/** Breadcrumbs this long before the error are "just before" it (seconds). */
export const JUST_BEFORE_S = 10;
/** A failed request counts as the cause only this close before the error (seconds). */
export const UPSTREAM_WINDOW_S = 5;
/** A request is taken as triggered by a user action at most this long after it (seconds). */
const TRIGGER_WINDOW_S = 5;

/** Error categories that can follow from a failed response (a parse, a missing field, the client's own exception). */
const RESPONSE_CONSEQUENCES = new Set(["json", "null-access", "not-iterable", "http-error", "network", "timeout", "permission", "type", "value", "missing-key", "out-of-range"]);

/**
 * Breadcrumb patterns that point at a cause, each with the crumbs it rests on and how sure it is:
 * - double-submit: the same control used twice in quick succession (however the crumbs word it:
 *   a changed selector index or state class, a relabelled button, or two click → same-request pairs);
 * - race: a second request to the same endpoint went out while the first was still in flight
 *   (from the SDK's start times, or from the clicks that triggered them);
 * - upstream-failure: the last request before the error failed, close enough and of a kind the
 *   error can follow from, and no later retry of it succeeded.
 * Crumbs without timestamps are taken as "just before" when they are among the last five.
 */
export function findBreadcrumbPatterns(crumbs: FactCrumb[], errorTime: number, errorCategory: string | undefined): Finding[] {
  const recent = crumbs.filter((c, i) => (c.timestamp !== null ? errorTime - c.timestamp <= JUST_BEFORE_S && c.timestamp <= errorTime + 0.5 : i >= crumbs.length - 5));
  const actions = recent.filter(isUserAction);
  const requests = recent.filter((c) => isHttpCrumb(c) && !_isTelemetry(c));
  const triggers = _assignTriggers(requests, actions);
  return [..._repeatedAction(actions, requests, triggers, errorTime), ..._race(requests, triggers), ..._upstreamFailure(requests, errorTime, errorCategory)];
}

// --- Internal ---

/** The same control used again: by its normalized key, or because each use sent the same request. */
function _repeatedAction(actions: FactCrumb[], requests: FactCrumb[], triggers: Map<FactCrumb, FactCrumb>, errorTime: number): Finding[] {
  let repeat: FactCrumb[] | undefined;
  let via = "";
  // 1. the same control key, uses close together (newest pair first)
  for (let i = actions.length - 1; i > 0 && !repeat; i--) {
    const key = controlKey(actions[i]!);
    if (!key) continue;
    const same = actions.slice(0, i + 1).filter((a) => controlKey(a) === key);
    if (same.length < 2) continue;
    const close = same.filter((a, j) => j === same.length - 1 || _gap(a, same[j + 1]!) <= REPEAT_CLICK_WINDOW_S);
    if (close.length >= 2 && _gap(close[close.length - 2]!, close[close.length - 1]!) <= REPEAT_CLICK_WINDOW_S) {
      repeat = close;
      via = same.some((a) => a.message !== same[0]!.message) ? " (worded differently by the SDK, the same control)" : "";
    }
  }
  // 2. two actions that each sent the same request (the control's label or selector changed in between)
  if (!repeat) {
    for (const group of _byEndpoint(requests)) {
      const triggering = group.map((r) => triggers.get(r)).filter((a): a is FactCrumb => a !== undefined);
      if (triggering.length >= 2 && new Set(triggering).size === triggering.length && _gap(triggering[0]!, triggering[triggering.length - 1]!) <= REPEAT_CLICK_WINDOW_S * 2) {
        repeat = triggering;
        via = ` (each sent \`${endpointKey(group[0]!)}\`)`;
        break;
      }
    }
  }
  if (!repeat) return [];
  const last = repeat[repeat.length - 1]!;
  const first = repeat[0]!;
  // was a request from an earlier use still running when the control was used again?
  const inFlight = requests.find((r) => triggers.get(r) === first && last.timestamp !== null && r.timestamp !== null && last.timestamp < r.timestamp);
  const span = first.timestamp !== null && last.timestamp !== null ? ` within ${_seconds(last.timestamp - first.timestamp)}` : "";
  const evidence = [...repeat, ...(inFlight ? [inFlight] : [])];
  return [{
    kind: "double-submit",
    title: "The same control was used twice just before the error: a double submission",
    detail: `\`${first.message ?? controlKey(first)}\` was used ${repeat.length} times${span}${via}${last.timestamp !== null ? `, the last ${_seconds(errorTime - last.timestamp)} before the error` : ""}` +
      `${inFlight ? `, while the request it had sent (\`${endpointKey(inFlight)}\`) was still running` : ""}. ` +
      "Overlapping submissions act on state the first one changed or cleared. Disable the control while its action runs, or make the action idempotent.",
    evidence: `breadcrumbs ${evidence.map(describeCrumb).join(", ")}`,
    confidence: inFlight || repeat.length > 2 ? "high" : "medium",
    crumbs: evidence.map((c) => c.index),
  }];
}

/** Two requests to one endpoint whose lifetimes overlapped. */
function _race(requests: FactCrumb[], triggers: Map<FactCrumb, FactCrumb>): Finding[] {
  for (const group of _byEndpoint(requests)) {
    for (let i = 1; i < group.length; i++) {
      const first = group[i - 1]!;
      const second = group[i]!;
      if (first.timestamp === null || second.timestamp === null) continue;
      const explicit = requestStart(second);
      const start = explicit ?? triggers.get(second)?.timestamp ?? undefined;
      const firstTrigger = triggers.get(first);
      if (start === undefined || start >= first.timestamp || (explicit === undefined && (!firstTrigger || firstTrigger === triggers.get(second)))) continue;
      const evidence = [...(explicit === undefined ? [firstTrigger!, triggers.get(second)!] : []), first, second].sort((a, b) => a.index - b.index);
      return [{
        kind: "race",
        title: `Two requests to \`${endpointKey(second)}\` were in flight at once: a race`,
        detail: `The second request started ${_seconds(first.timestamp - start)} before the first one finished${explicit === undefined ? " (it was sent by the second click, the first request was still running)" : ""}. ` +
          "Whichever answer lands last wins: the code may act on a stale response, or the server may apply the same change twice. Cancel or ignore the earlier request when a newer one starts, or serialize them.",
        evidence: `breadcrumbs ${evidence.map(describeCrumb).join(", ")}`,
        confidence: explicit !== undefined ? "high" : "medium",
        crumbs: evidence.map((c) => c.index),
      }];
    }
  }
  return [];
}

/** The last request before the error failed, and nothing later retried it successfully. */
function _upstreamFailure(requests: FactCrumb[], errorTime: number, errorCategory: string | undefined): Finding[] {
  if (errorCategory !== undefined && !RESPONSE_CONSEQUENCES.has(errorCategory)) return [];
  const last = requests[requests.length - 1];
  if (!last) return [];
  const status = statusOf(last);
  const failed = (status !== undefined && status >= 400) || (status === undefined && last.level === "error");
  if (!failed) return [];
  const gap = last.timestamp !== null ? errorTime - last.timestamp : null;
  if (gap !== null && gap > UPSTREAM_WINDOW_S) return [];
  const what = status !== undefined ? `answered ${status}` : "failed without a response";
  const confident = errorCategory !== undefined && (gap === null || gap <= 2);
  return [{
    kind: "upstream-failure",
    title: "A request failed just before the error: probably an upstream failure",
    detail: `\`${endpointKey(last)}\` ${what}${gap !== null ? ` ${_seconds(gap)} before the error` : " just before the error"}. ` +
      "The error is likely the consequence: the code went on with a missing or error response. Look at that service's errors at the same time, and handle the failed response explicitly.",
    evidence: `breadcrumb ${describeCrumb(last)}, the last request before the error`,
    confidence: confident ? "high" : "medium",
    crumbs: [last.index],
  }];
}

/** Each request's triggering user action: the earliest unused one up to TRIGGER_WINDOW_S before the request (its start, else its end). */
function _assignTriggers(requests: FactCrumb[], actions: FactCrumb[]): Map<FactCrumb, FactCrumb> {
  const out = new Map<FactCrumb, FactCrumb>();
  for (const group of _byEndpoint(requests)) {
    const used = new Set<FactCrumb>();
    for (const r of group) {
      const until = requestStart(r) ?? r.timestamp;
      if (until === null) continue;
      const action = actions.find((a) => !used.has(a) && a.timestamp !== null && a.timestamp <= until + 0.05 && until - a.timestamp <= TRIGGER_WINDOW_S);
      if (action) {
        used.add(action);
        out.set(r, action);
      }
    }
  }
  return out;
}

function _byEndpoint(requests: FactCrumb[]): FactCrumb[][] {
  const groups = new Map<string, FactCrumb[]>();
  for (const r of requests) {
    const key = endpointKey(r);
    if (key) groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

/** The SDK's own traffic to an error tracker is not the application's. */
function _isTelemetry(c: FactCrumb): boolean {
  const url = typeof c.data?.url === "string" ? c.data.url : "";
  return /\/api\/\d+\/(envelope|store)\/|sentry_key=|google-analytics\.com|\/collect\?|segment\.io|\/beacon\b/.test(url);
}

function _gap(a: FactCrumb, b: FactCrumb): number {
  return a.timestamp !== null && b.timestamp !== null ? Math.abs(b.timestamp - a.timestamp) : 0;
}

function _seconds(s: number): string {
  const v = Math.max(0, s);
  return v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(1)} s`;
}
