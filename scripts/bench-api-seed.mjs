// The data set of `npm run bench:api`, generated in chunks of plain rows so that the SQLite and the
// PostgreSQL store get exactly the same issues and counters. Deterministic (a seeded PRNG); times
// are relative to `nowSec`. Written straight into the tables: ingesting 10 M events through the API
// would measure ingest, not the lists.

const DAY = 86_400;
const RELEASES = ["bench@1.0.0", "bench@1.1.0", "bench@2.0.0", "bench@2.1.0"];
const WORDS = ["timeout", "refused", "undefined", "null", "quota", "parse", "denied", "overflow", "missing", "stale", "socket", "deadlock",
  "checksum", "cancelled", "throttled", "encoding", "handshake", "permission", "corrupt", "exhausted"];
const TYPES = ["TypeError", "RangeError", "Error", "SyntaxError", "ReferenceError", "DatabaseError"];
/** issues per project: most in the first, as in a real organization with one noisy service */
export const PROJECTS = [{ slug: "bench", share: 0.8 }, { slug: "web", share: 0.15 }, { slug: "jobs", share: 0.05 }];

/**
 * Generates `issueCount` issues whose event counts follow a long tail summing to `eventCount`
 * (a few issues hold most events), spread over 90 days: 70 % unresolved, 20 % resolved, 10 %
 * ignored; ~0.3 % first seen in the last 24 h, ~1 % regressed in the last 7 days, ~2 % active in
 * the last hour, a few dozen spiking. Calls `sink(chunk)` per `chunkSize` issues with column rows
 * for issues, groupings, hourly counts and tag values, and awaits it.
 */
export async function generateBenchData({ issueCount, eventCount, nowSec, projectIds, chunkSize = 20_000 }, sink) {
  const rand = mulberry32(42);
  const nowHour = Math.floor(nowSec / 3600);
  // Zipf-like weights, normalised to eventCount (every issue has at least one event)
  const alpha = 1.1;
  let weightSum = 0;
  for (let i = 0; i < issueCount; i++) weightSum += 1 / Math.pow(i + 1, alpha);
  const extra = eventCount - issueCount;
  const shortIds = projectIds.map(() => 0);
  const stats = { events: 0, hourlyRows: 0, tagRows: 0, biggestIssue: 0, spiking: 0, newToday: 0, regressed: 0 };
  let chunk = _emptyChunk();
  for (let i = 0; i < issueCount; i++) {
    const events = 1 + Math.floor((extra * (1 / Math.pow(i + 1, alpha))) / weightSum);
    stats.events += events;
    const r = rand();
    const projectIndex = r < PROJECTS[0].share ? 0 : r < PROJECTS[0].share + PROJECTS[1].share ? 1 : 2;
    const projectId = projectIds[projectIndex];
    const shortId = ++shortIds[projectIndex];
    // shuffle the big issues through the id space a little: the biggest are not all the oldest
    const isNewToday = rand() < 0.003;
    const firstSeen = isNewToday ? nowSec - rand() * DAY : nowSec - DAY - rand() * 89 * DAY;
    const activeNow = i < 50 || rand() < 0.02;
    const lastSeen = activeNow ? nowSec - rand() * 3000 : firstSeen + rand() * Math.max(0, nowSec - 3600 - firstSeen);
    const s = rand();
    let status = s < 0.7 ? "unresolved" : s < 0.9 ? "resolved" : "ignored";
    const regressed = status === "unresolved" && !isNewToday && rand() < 0.015;
    const regressedAt = regressed ? nowSec - rand() * 7 * DAY : null;
    const substatus = regressed ? "regressed" : isNewToday ? "new" : "ongoing";
    if (activeNow && status !== "unresolved" && !regressed) status = "unresolved";
    const type = TYPES[i % TYPES.length];
    const word = WORDS[Math.floor(rand() * WORDS.length)];
    const word2 = WORDS[Math.floor(rand() * WORDS.length)];
    const value = `${word} while handling job ${i} (${word2})`;
    const culprit = `handle${i % 97}(src/jobs/job-${i % 211}.js)`;
    const firstRelease = RELEASES[Math.floor(rand() * 2)];
    const lastRelease = RELEASES[2 + Math.floor(rand() * 2)];
    const userCount = Math.max(1, Math.floor(events * rand() * 0.3));
    const level = i % 9 === 0 ? "warning" : "error";
    const handled = i % 3 === 0 ? "no" : "yes";
    if (isNewToday) stats.newToday++;
    if (regressed) stats.regressed++;
    if (i === 0) stats.biggestIssue = chunk.issues.length;

    // hourly buckets: events spread between first and last seen, denser recently; a spike puts
    // most of a small issue's events into the last hour
    const hours = new Map();
    const firstHour = Math.floor(firstSeen / 3600);
    const lastHour = Math.floor(lastSeen / 3600);
    const spike = activeNow && i >= 50 && rand() < 0.02 && events >= 12;
    if (spike) stats.spiking++;
    let left = events;
    if (spike) {
      const recent = Math.max(12, Math.floor(events * 0.8));
      hours.set(nowHour, recent);
      left -= recent;
    }
    // at most ~40 buckets per issue (a long-lived noisy issue has gaps in reality too)
    const buckets = Math.min(left, 40, lastHour - firstHour + 1);
    for (let b = 0; b < buckets; b++) {
      const share = b === buckets - 1 ? left : Math.max(1, Math.floor(left / (buckets - b) * (0.5 + rand())));
      const take = Math.min(share, left - (buckets - b - 1));
      const hour = b === buckets - 1 ? lastHour : firstHour + Math.floor(Math.pow(rand(), 0.4) * (lastHour - firstHour + 1));
      hours.set(hour, (hours.get(hour) ?? 0) + take);
      left -= take;
    }
    if (left > 0) hours.set(lastHour, (hours.get(lastHour) ?? 0) + left);

    const idx = chunk.issues.length;
    chunk.issues.push({
      projectId, shortId, title: `${type}: ${value}`, culprit, type, level, metadata: JSON.stringify({ type, value, filename: `src/jobs/job-${i % 211}.js`, function: `handle${i % 97}` }),
      status, substatus, isUnhandled: handled === "no", firstSeen, lastSeen, firstRelease, lastRelease, eventCount: events, userCount,
      statusChangedAt: status === "unresolved" ? regressedAt : lastSeen, regressedAt,
      hash: i.toString(16).padStart(32, "0"), groupingKey: `${type}: ${value} ⋄ ${culprit}`,
    });
    for (const [hour, count] of hours) chunk.hourly.push({ issue: idx, hour, count });
    stats.hourlyRows += hours.size;
    const tag = (key, tagValue, count) => chunk.tags.push({ issue: idx, key, value: tagValue, count, firstSeen, lastSeen });
    const production = Math.max(1, Math.ceil(events * 0.8));
    tag("environment", "production", production);
    if (events > production) tag("environment", "staging", events - production);
    tag("release", firstRelease, Math.ceil(events / 2));
    if (events > 1) tag("release", lastRelease, Math.floor(events / 2));
    tag("level", level, events);
    tag("handled", handled, events);
    tag("server_name", `worker-${i % 50}`, events);
    if (chunk.issues.length >= chunkSize) {
      stats.tagRows += chunk.tags.length;
      await sink(chunk);
      chunk = _emptyChunk();
    }
  }
  if (chunk.issues.length) {
    stats.tagRows += chunk.tags.length;
    await sink(chunk);
  }
  return { ...stats, shortIds };
}

/** A full error event for the issue detail's latest event (exception, frames with context, breadcrumbs, request). */
export function fullEvent(eventId, ts, issue) {
  const frame = (fn, file, line, inApp) => ({
    function: fn, filename: file, abs_path: `/srv/app/${file}`, lineno: line, colno: 11, in_app: inApp,
    pre_context: ["  const job = await queue.next();", "  if (!job) return;"], context_line: `  return ${fn}(job.payload);`,
    post_context: ["}", ""], ...(inApp ? { vars: { jobId: String(ts), attempt: 2 } } : {}),
  });
  const meta = JSON.parse(issue.metadata);
  return JSON.stringify({
    event_id: eventId, timestamp: ts, platform: "node", type: "error", level: issue.level, release: issue.lastRelease, environment: "production", server_name: "bench-1",
    exception: { values: [{ type: meta.type, value: meta.value, mechanism: { type: "onunhandledrejection", handled: !issue.isUnhandled }, stacktrace: { frames: [
      frame("processTicksAndRejections", "node:internal/process/task_queues", 95, false),
      frame("Worker.run", "node_modules/bullmq/dist/worker.js", 412, false),
      frame(meta.function, meta.filename, 40, true),
    ] } }] },
    breadcrumbs: { values: Array.from({ length: 12 }, (_, b) => ({ timestamp: ts - 12 + b, category: b % 3 ? "http" : "console", level: "info",
      message: b % 3 ? undefined : `step ${b}`, data: b % 3 ? { method: "GET", url: `https://api.example.com/items/${b}`, status_code: 200 } : undefined })) },
    request: { method: "POST", url: "https://app.example.com/jobs/1", headers: [["User-Agent", "bench"], ["Content-Type", "application/json"]] },
    user: { id: "u1" },
    contexts: { runtime: { name: "node", version: "v24.21.0" }, os: { name: "Linux" } },
    tags: [["environment", "production"], ["release", issue.lastRelease], ["level", issue.level]],
    sdk: { name: "sentry.javascript.node", version: "11.12.0" },
  });
}

export function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function _emptyChunk() {
  return { issues: [], hourly: [], tags: [] };
}
