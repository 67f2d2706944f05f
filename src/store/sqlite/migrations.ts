/**
 * Schema migrations, applied in order and tracked in `PRAGMA user_version`. Kept as strings in the
 * bundle so a packaged binary needs no files beside it. Never edit a released migration: add one.
 * Times are REAL seconds since the epoch (as event timestamps are); hours are integer epoch hours.
 */
export const MIGRATIONS: { name: string; sql: string }[] = [
  {
    name: "001-initial",
    sql: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE organizations (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at REAL NOT NULL
);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  platform TEXT,
  created_at REAL NOT NULL,
  next_short_id INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE project_keys (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  public_key TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  is_active INTEGER NOT NULL DEFAULT 1,
  created_at REAL NOT NULL
);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  token_hint TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at REAL NOT NULL,
  last_used_at REAL
);

CREATE TABLE issues (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  short_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  culprit TEXT NOT NULL,
  type TEXT NOT NULL,
  level TEXT NOT NULL,
  platform TEXT NOT NULL,
  metadata TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'unresolved',
  substatus TEXT NOT NULL DEFAULT 'new',
  is_unhandled INTEGER NOT NULL DEFAULT 0,
  first_seen REAL NOT NULL,
  last_seen REAL NOT NULL,
  first_release TEXT,
  last_release TEXT,
  event_count INTEGER NOT NULL DEFAULT 0,
  user_count INTEGER NOT NULL DEFAULT 0,
  status_changed_at REAL,
  regressed_at REAL,
  UNIQUE (project_id, short_id)
);
CREATE INDEX issues_by_last_seen ON issues (project_id, last_seen DESC);
CREATE INDEX issues_by_first_seen ON issues (project_id, first_seen DESC);
CREATE INDEX issues_by_status ON issues (project_id, status, last_seen DESC);

CREATE TABLE groupings (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  grouping_key TEXT NOT NULL,
  mechanism TEXT NOT NULL,
  created_at REAL NOT NULL,
  UNIQUE (project_id, hash)
);
CREATE INDEX groupings_by_issue ON groupings (issue_id);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  timestamp REAL NOT NULL,
  received_at REAL NOT NULL,
  level TEXT NOT NULL,
  release TEXT,
  environment TEXT,
  user_key TEXT,
  trace_id TEXT,
  title TEXT NOT NULL,
  -- the normalised event: brotli-compressed JSON (see event-codec.ts)
  data BLOB NOT NULL,
  UNIQUE (project_id, event_id)
);
CREATE INDEX events_by_issue ON events (issue_id, timestamp, id);
CREATE INDEX events_by_trace ON events (trace_id) WHERE trace_id IS NOT NULL;

CREATE TABLE issue_users (
  issue_id INTEGER NOT NULL,
  user_key TEXT NOT NULL,
  PRIMARY KEY (issue_id, user_key)
) WITHOUT ROWID;

CREATE TABLE issue_tag_values (
  issue_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  times_seen INTEGER NOT NULL,
  first_seen REAL NOT NULL,
  last_seen REAL NOT NULL,
  PRIMARY KEY (issue_id, key, value)
) WITHOUT ROWID;
CREATE INDEX issue_tag_values_by_value ON issue_tag_values (key, value);

CREATE TABLE issue_hourly_counts (
  issue_id INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  PRIMARY KEY (issue_id, hour)
) WITHOUT ROWID;

CREATE TABLE releases (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  first_event REAL NOT NULL,
  last_event REAL NOT NULL,
  UNIQUE (project_id, version)
);

CREATE TABLE item_counts (
  project_id INTEGER NOT NULL,
  item_type TEXT NOT NULL,
  day INTEGER NOT NULL,
  item_count INTEGER NOT NULL,
  PRIMARY KEY (project_id, item_type, day)
) WITHOUT ROWID;
`,
  },
  {
    // Browser sign-in (issue 3): users with scrypt password hashes, sessions stored only as the
    // SHA-256 of the cookie value. The local admin (loopback auto sign-in) has no password.
    // The hour index serves the triage sort and spike detection, which read only recent hours.
    name: "002-users-sessions",
    sql: `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT,
  is_local_admin INTEGER NOT NULL DEFAULT 0,
  created_at REAL NOT NULL,
  last_login_at REAL
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL,
  expires_at REAL NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE INDEX issue_hourly_counts_by_hour ON issue_hourly_counts (hour, issue_id, event_count);
`,
  },
  {
    // Traces and Explain (issue 9). One row per span; a transaction's own span is its segment row
    // (is_segment = 1, segment_event_id = the transaction's event_id), so the trace view is one
    // indexed read. Explanations are cached per issue and event.
    name: "003-traces-explanations",
    sql: `
CREATE TABLE trace_spans (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  segment_event_id TEXT,
  is_segment INTEGER NOT NULL,
  transaction_name TEXT,
  op TEXT,
  description TEXT,
  status TEXT,
  start_timestamp REAL NOT NULL,
  timestamp REAL NOT NULL,
  release TEXT,
  environment TEXT,
  received_at REAL NOT NULL
);
CREATE INDEX trace_spans_by_trace ON trace_spans (trace_id, start_timestamp);
CREATE INDEX trace_spans_transactions ON trace_spans (project_id, segment_event_id) WHERE is_segment = 1;

CREATE TABLE explanations (
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at REAL NOT NULL,
  PRIMARY KEY (issue_id, event_id)
) WITHOUT ROWID;
`,
  },
  {
    // Release health (issue 7): sessions merged by sid, pre-aggregated per release, environment
    // and start hour (see store/sessions.ts for the user "marks"). Not named "sessions": that is
    // the browser sign-in table.
    name: "004-release-health",
    sql: `
CREATE TABLE session_states (
  project_id INTEGER NOT NULL,
  sid TEXT NOT NULL,
  release TEXT NOT NULL,
  environment TEXT NOT NULL,
  did TEXT,
  hour INTEGER NOT NULL,
  health INTEGER NOT NULL,
  status TEXT NOT NULL,
  seq INTEGER NOT NULL,
  duration REAL,
  PRIMARY KEY (project_id, sid)
) WITHOUT ROWID;
CREATE INDEX session_states_by_hour ON session_states (hour);

CREATE TABLE session_hourly (
  project_id INTEGER NOT NULL,
  release TEXT NOT NULL,
  environment TEXT NOT NULL,
  hour INTEGER NOT NULL,
  sessions INTEGER NOT NULL,
  errored INTEGER NOT NULL,
  abnormal INTEGER NOT NULL,
  crashed INTEGER NOT NULL,
  user_marks INTEGER NOT NULL,
  crashed_user_marks INTEGER NOT NULL,
  PRIMARY KEY (project_id, release, environment, hour)
) WITHOUT ROWID;
CREATE INDEX session_hourly_by_hour ON session_hourly (project_id, hour);

CREATE TABLE session_users (
  project_id INTEGER NOT NULL,
  release TEXT NOT NULL,
  environment TEXT NOT NULL,
  did TEXT NOT NULL,
  last_hour INTEGER NOT NULL,
  crashed_hour INTEGER,
  PRIMARY KEY (project_id, release, environment, did)
) WITHOUT ROWID;
`,
  },
  {
    // Releases as sentry-cli writes them (issue 5): Sentry's releases belong to the organization and
    // list their projects. The per-project `releases` table stays the event statistics (filled by
    // ingest); a trigger makes an event's first mention of a version an organization release too,
    // so both paths give one list. Commits (set-commits), head refs (`--commit repo@sha`), deploys.
    // Source-link settings are per project; they also name the repositories sentry-cli can refer to.
    name: "005-org-releases",
    sql: `
CREATE TABLE org_releases (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  ref TEXT,
  url TEXT,
  date_created REAL NOT NULL,
  date_started REAL,
  date_released REAL,
  status TEXT NOT NULL DEFAULT 'open',
  UNIQUE (organization_id, version)
);

CREATE TABLE org_release_projects (
  release_id INTEGER NOT NULL REFERENCES org_releases(id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  PRIMARY KEY (release_id, project_id)
) WITHOUT ROWID;
CREATE INDEX org_release_projects_by_project ON org_release_projects (project_id, release_id);

CREATE TABLE release_commits (
  id INTEGER PRIMARY KEY,
  release_id INTEGER NOT NULL REFERENCES org_releases(id) ON DELETE CASCADE,
  -- order as sent (sentry-cli sends newest first)
  position INTEGER NOT NULL,
  commit_id TEXT NOT NULL,
  repository TEXT,
  message TEXT,
  author_name TEXT,
  author_email TEXT,
  timestamp REAL,
  UNIQUE (release_id, commit_id)
);

CREATE TABLE release_head_commits (
  release_id INTEGER NOT NULL REFERENCES org_releases(id) ON DELETE CASCADE,
  repository TEXT NOT NULL,
  commit_id TEXT NOT NULL,
  previous_commit_id TEXT,
  PRIMARY KEY (release_id, repository)
) WITHOUT ROWID;

CREATE TABLE release_deploys (
  id INTEGER PRIMARY KEY,
  release_id INTEGER NOT NULL REFERENCES org_releases(id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  name TEXT,
  url TEXT,
  date_started REAL,
  date_finished REAL NOT NULL
);
CREATE INDEX release_deploys_by_release ON release_deploys (release_id, date_finished);

CREATE TABLE project_source_links (
  project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  -- "owner/repo": the name "sentry-cli releases set-commits --commit owner/repo@sha" uses
  repository TEXT NOT NULL,
  repository_url TEXT NOT NULL,
  -- {commit} {path} {line}; empty = derived from repository_url (GitHub/GitLab/Bitbucket style)
  url_template TEXT NOT NULL DEFAULT '',
  stack_root TEXT NOT NULL DEFAULT '',
  source_root TEXT NOT NULL DEFAULT '',
  updated_at REAL NOT NULL
);

CREATE TRIGGER org_releases_from_events AFTER INSERT ON releases BEGIN
  INSERT OR IGNORE INTO org_releases (organization_id, version, date_created)
    SELECT organization_id, NEW.version, NEW.first_event FROM projects WHERE id = NEW.project_id;
  INSERT OR IGNORE INTO org_release_projects (release_id, project_id)
    SELECT r.id, p.id FROM projects p JOIN org_releases r ON r.organization_id = p.organization_id AND r.version = NEW.version
    WHERE p.id = NEW.project_id;
END;

INSERT OR IGNORE INTO org_releases (organization_id, version, date_created)
  SELECT p.organization_id, r.version, min(r.first_event) FROM releases r JOIN projects p ON p.id = r.project_id
  GROUP BY p.organization_id, r.version;
INSERT OR IGNORE INTO org_release_projects (release_id, project_id)
  SELECT o.id, r.project_id FROM releases r JOIN projects p ON p.id = r.project_id
  JOIN org_releases o ON o.organization_id = p.organization_id AND o.version = r.version;
`,
  },
  {
    // Alerts (issue 6). Rules hold their triggers, filters and actions as one JSON definition
    // (src/alerts/rule-schema.ts). The outbox is written in the ingest transaction: one row per
    // (trigger, action), unique by its idempotency key, so a trigger is decided once and a crash
    // between commit and send leaves a pending row, not a lost alert. Cooldowns are per issue,
    // rule and trigger. Every existing project gets the default rule new projects get.
    name: "006-alerts",
    sql: `
CREATE TABLE alert_rules (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  is_default INTEGER NOT NULL DEFAULT 0,
  definition TEXT NOT NULL,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL
);
CREATE INDEX alert_rules_by_project ON alert_rules (project_id);

CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
  issue_id INTEGER,
  event_id TEXT,
  trigger TEXT NOT NULL,
  action TEXT NOT NULL,
  action_key TEXT NOT NULL,
  payload TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at REAL NOT NULL,
  last_error TEXT,
  digest_id INTEGER,
  created_at REAL NOT NULL,
  sent_at REAL
);
CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_outbox_sent_by_action ON alert_outbox (action_key, sent_at) WHERE status = 'sent';
CREATE INDEX alert_outbox_held ON alert_outbox (action_key, id) WHERE status = 'held';
CREATE INDEX alert_outbox_by_project ON alert_outbox (project_id, id);
CREATE INDEX alert_outbox_by_rule ON alert_outbox (rule_id);

CREATE TABLE alert_cooldowns (
  issue_id INTEGER NOT NULL,
  rule_id INTEGER NOT NULL,
  trigger TEXT NOT NULL,
  fired_at REAL NOT NULL,
  PRIMARY KEY (issue_id, rule_id, trigger)
) WITHOUT ROWID;

INSERT INTO alert_rules (project_id, name, status, is_default, definition, created_at, updated_at)
  SELECT id, 'New issues and regressions', 'active', 1,
    '{"triggers":{"newIssue":true,"regression":true,"spike":null,"usersAffected":null},"filters":{"environments":[],"levels":[],"tags":[]},"actions":[{"type":"email","to":[],"includeAdmins":true}],"frequency":30,"dailyDigest":false}',
    CAST(strftime('%s', 'now') AS REAL), CAST(strftime('%s', 'now') AS REAL)
  FROM projects;
`,
  },
  {
    // Guardrails (issue 8): per-project limit overrides (NULL = the installation default), the
    // monthly count of accepted error events the quota reads, what was refused or dropped by
    // reason (rate limits here, client_report items from SDKs), and the events retention must
    // never evict (each issue's first event, regression events).
    name: "007-guardrails",
    sql: `
CREATE TABLE project_limits (
  project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  events_per_minute INTEGER,
  monthly_quota INTEGER,
  max_stored_events INTEGER,
  max_event_age_days REAL,
  scrub_data INTEGER,
  -- JSON array of extra key names to scrub
  sensitive_fields TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE project_usage (
  project_id INTEGER NOT NULL,
  -- calendar month (UTC) as YYYYMM
  month INTEGER NOT NULL,
  accepted_events INTEGER NOT NULL,
  PRIMARY KEY (project_id, month)
) WITHOUT ROWID;

CREATE TABLE project_outcomes (
  project_id INTEGER NOT NULL,
  -- epoch day (UTC)
  day INTEGER NOT NULL,
  -- rate_limited (refused here) | client_discard (dropped by the SDK, from client_report items)
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  category TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  PRIMARY KEY (project_id, day, outcome, reason, category)
) WITHOUT ROWID;

CREATE TABLE event_pins (
  event_row_id INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
  issue_id INTEGER NOT NULL,
  -- first | regression
  reason TEXT NOT NULL
);
CREATE INDEX event_pins_by_issue ON event_pins (issue_id);
`,
  },
  {
    // Resolve in release (issue 7): how a resolved issue was resolved (Sentry's statusDetails
    // inRelease / inNextRelease; see store/resolutions.ts) and which release regressed which issue.
    name: "008-issue-resolutions",
    sql: `
CREATE TABLE issue_resolutions (
  issue_id INTEGER PRIMARY KEY REFERENCES issues(id) ON DELETE CASCADE,
  -- in_release | in_next_release
  type TEXT NOT NULL,
  -- the fix release; for in_next_release the project's latest release when it was resolved
  release TEXT NOT NULL,
  resolved_at REAL NOT NULL
);

CREATE TABLE release_regressions (
  project_id INTEGER NOT NULL,
  release TEXT NOT NULL,
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  regressed_at REAL NOT NULL,
  PRIMARY KEY (project_id, release, issue_id)
) WITHOUT ROWID;
CREATE INDEX release_regressions_by_issue ON release_regressions (issue_id);
`,
  },
  {
    // Release list and detail (issue 7): events per release, environment and hour, for event
    // counts and adoption (share of the last 24 h); backfilled from the stored events.
    name: "009-release-hourly-events",
    sql: `
CREATE TABLE release_hourly_events (
  project_id INTEGER NOT NULL,
  release TEXT NOT NULL,
  environment TEXT NOT NULL,
  hour INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  PRIMARY KEY (project_id, release, environment, hour)
) WITHOUT ROWID;

INSERT INTO release_hourly_events (project_id, release, environment, hour, event_count)
  SELECT project_id, release, coalesce(environment, 'production'), CAST(timestamp / 3600 AS INTEGER), count(*)
  FROM events WHERE release IS NOT NULL GROUP BY 1, 2, 3, 4;
`,
  },
  {
    // Source maps (issue 5). Uploaded chunks wait in upload_chunks (by SHA-1) until an assemble
    // request names them; a bundle is then stored whole, in one transaction, and its chunks
    // dropped. Files keep the archive's deflate stream as is. Lookups: by (project, debug id) and
    // by (project, release, dist, url). Legacy release-file uploads are one-file bundles.
    name: "010-artifact-bundles",
    sql: `
CREATE TABLE upload_chunks (
  id INTEGER PRIMARY KEY,
  checksum TEXT NOT NULL UNIQUE,
  data BLOB NOT NULL,
  created_at REAL NOT NULL
);
CREATE INDEX upload_chunks_by_age ON upload_chunks (created_at);

CREATE TABLE artifact_bundles (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  -- SHA-1 of the uploaded bundle; NULL for a legacy release-file upload
  checksum TEXT,
  bundle_id TEXT,
  release TEXT,
  dist TEXT,
  file_count INTEGER NOT NULL,
  size INTEGER NOT NULL,
  created_at REAL NOT NULL
);
CREATE UNIQUE INDEX artifact_bundles_by_checksum ON artifact_bundles (organization_id, checksum) WHERE checksum IS NOT NULL;
CREATE INDEX artifact_bundles_by_release ON artifact_bundles (release, dist) WHERE release IS NOT NULL;

CREATE TABLE artifact_bundle_projects (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  bundle_id INTEGER NOT NULL REFERENCES artifact_bundles(id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, bundle_id)
) WITHOUT ROWID;
CREATE INDEX artifact_bundle_projects_by_bundle ON artifact_bundle_projects (bundle_id);

CREATE TABLE artifact_files (
  id INTEGER PRIMARY KEY,
  bundle_id INTEGER NOT NULL REFERENCES artifact_bundles(id) ON DELETE CASCADE,
  -- minified_source | source_map | source | indexed_ram_bundle
  type TEXT NOT NULL,
  url TEXT NOT NULL,
  debug_id TEXT,
  -- the Sourcemap / X-SourceMap header of a minified file
  sourcemap TEXT,
  size INTEGER NOT NULL,
  -- deflate-raw | identity
  encoding TEXT NOT NULL,
  content BLOB NOT NULL
);
CREATE INDEX artifact_files_by_bundle ON artifact_files (bundle_id);
CREATE INDEX artifact_files_by_debug_id ON artifact_files (debug_id, type) WHERE debug_id IS NOT NULL;
CREATE INDEX artifact_files_by_url ON artifact_files (url);
`,
  },
  {
    // Release health (issue 7): users are forgotten once their latest session is older than the
    // longest health window (store/sessions.ts prunes by this index).
    name: "011-session-users-by-hour",
    sql: `
CREATE INDEX session_users_by_last_hour ON session_users (last_hour);
`,
  },
  {
    // Retention (issue 8) keeps pinned events; events stored before 007 were never pinned. Pin each
    // existing issue's first stored event, so the first pass after an upgrade cannot evict it.
    name: "012-pin-first-events",
    sql: `
INSERT OR IGNORE INTO event_pins (event_row_id, issue_id, reason)
  SELECT min(id), issue_id, 'first' FROM events GROUP BY issue_id;
`,
  },
  {
    // Browser sign-ins are "logins": "session" means release health (session_states, …) only.
    name: "013-logins",
    sql: `
ALTER TABLE sessions RENAME TO logins;
DROP INDEX sessions_by_expiry;
CREATE INDEX logins_by_expiry ON logins (expires_at);
`,
  },
  {
    // Suspect commits (issue 19): the files each commit touched, as sentry-cli sends them in
    // set-commits' patch_set (repository-relative paths; A added, M modified, D deleted). They go
    // with their commit row: replacing a release's commits replaces their files.
    name: "014-release-commit-files",
    sql: `
CREATE TABLE release_commit_files (
  commit_row_id INTEGER NOT NULL REFERENCES release_commits(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  change_type TEXT NOT NULL,
  PRIMARY KEY (commit_row_id, path)
) WITHOUT ROWID;
`,
  },
  {
    // Grouping (issue 20): each project's stack-trace rules (Sentry's syntax) and the texts it used
    // before, whose keys events still try so a rule change never splits an existing issue. The
    // mechanism that made each key is already on groupings.mechanism.
    name: "015-project-grouping-settings",
    sql: `
CREATE TABLE project_grouping_settings (
  project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  stack_rules TEXT NOT NULL,
  -- JSON [{"rules": "...", "replacedAt": seconds}], newest first
  previous_stack_rules TEXT NOT NULL DEFAULT '[]',
  updated_at REAL NOT NULL
);
`,
  },
  {
    // Ownership, assignment and activity (issue 18). Teams are routing groups of member emails (a
    // member need not be a LightTrace login to receive mail). An issue has at most one assignee: a
    // user, a team or a bare email. The activity log records who did what; ingest's own changes
    // (a new issue, a regression) are recorded by triggers, so every write path leaves its trace.
    // Existing issues get an approximate history: first seen, their last regression, their
    // current resolution.
    name: "016-teams-assignment-activity",
    sql: `
CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at REAL NOT NULL,
  UNIQUE (organization_id, slug)
);

CREATE TABLE team_members (
  team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  -- lowercased
  email TEXT NOT NULL,
  created_at REAL NOT NULL,
  PRIMARY KEY (team_id, email)
) WITHOUT ROWID;

CREATE TABLE issue_assignees (
  issue_id INTEGER PRIMARY KEY REFERENCES issues(id) ON DELETE CASCADE,
  -- exactly one of user_id, team_id, email
  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  team_id INTEGER REFERENCES teams(id) ON DELETE CASCADE,
  email TEXT,
  assigned_at REAL NOT NULL
);
CREATE INDEX issue_assignees_by_user ON issue_assignees (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX issue_assignees_by_team ON issue_assignees (team_id) WHERE team_id IS NOT NULL;

CREATE TABLE issue_activities (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  -- Sentry's activity types: first_seen, set_resolved, set_unresolved, note, assigned, …
  type TEXT NOT NULL,
  -- who: "user:<id>", "token:<id>", or NULL for LightTrace itself (ingest, rules)
  actor TEXT,
  -- JSON object
  data TEXT NOT NULL DEFAULT '{}',
  created_at REAL NOT NULL,
  -- a note's last edit
  updated_at REAL
);
CREATE INDEX issue_activities_by_issue ON issue_activities (issue_id, created_at);
CREATE INDEX issue_activities_by_project ON issue_activities (project_id, type, created_at);

CREATE TRIGGER issue_activity_first_seen AFTER INSERT ON issues BEGIN
  INSERT INTO issue_activities (issue_id, project_id, type, data, created_at) VALUES (NEW.id, NEW.project_id, 'first_seen', '{}', NEW.first_seen);
END;
CREATE TRIGGER issue_activity_regression AFTER UPDATE OF regressed_at ON issues
  WHEN NEW.regressed_at IS NOT NULL AND NEW.regressed_at IS NOT OLD.regressed_at BEGIN
  INSERT INTO issue_activities (issue_id, project_id, type, data, created_at)
    VALUES (NEW.id, NEW.project_id, 'set_regression', json_object('version', coalesce(NEW.last_release, '')), NEW.regressed_at);
END;

INSERT INTO issue_activities (issue_id, project_id, type, data, created_at)
  SELECT id, project_id, 'first_seen', '{}', first_seen FROM issues;
INSERT INTO issue_activities (issue_id, project_id, type, data, created_at)
  SELECT id, project_id, 'set_regression', '{}', regressed_at FROM issues WHERE regressed_at IS NOT NULL;
INSERT INTO issue_activities (issue_id, project_id, type, data, created_at)
  SELECT id, project_id, CASE status WHEN 'resolved' THEN 'set_resolved' ELSE 'set_ignored' END, '{}', coalesce(status_changed_at, last_seen)
  FROM issues WHERE status IN ('resolved', 'ignored');
`,
  },
  {
    // Cron monitors (issue 17): monitors per project and slug, their environments' state (guarded
    // by version), check-ins, incidents (one issue each), the failure events still to be stored in
    // an incident's issue, and check-ins that could not be processed (shown to the user).
    name: "017-monitors",
    sql: `
CREATE TABLE monitors (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  -- active | disabled
  status TEXT NOT NULL DEFAULT 'active',
  is_muted INTEGER NOT NULL DEFAULT 0,
  -- crontab | interval; schedule is the crontab or the interval's count, unit the interval's unit
  schedule_type TEXT NOT NULL,
  schedule TEXT NOT NULL,
  schedule_unit TEXT,
  checkin_margin INTEGER NOT NULL,
  max_runtime INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  failure_issue_threshold INTEGER NOT NULL,
  recovery_threshold INTEGER NOT NULL,
  owner TEXT,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  UNIQUE (project_id, slug)
);

CREATE TABLE monitor_environments (
  id INTEGER PRIMARY KEY,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  -- active (no check-in yet) | ok | error (an incident is open)
  status TEXT NOT NULL,
  is_muted INTEGER NOT NULL DEFAULT 0,
  last_checkin_at REAL,
  next_checkin_at REAL,
  next_checkin_latest_at REAL,
  last_ok_at REAL,
  version INTEGER NOT NULL DEFAULT 0,
  created_at REAL NOT NULL,
  UNIQUE (monitor_id, environment)
);
CREATE INDEX monitor_environments_due ON monitor_environments (next_checkin_latest_at) WHERE next_checkin_latest_at IS NOT NULL;

CREATE TABLE monitor_checkins (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  monitor_environment_id INTEGER NOT NULL REFERENCES monitor_environments(id) ON DELETE CASCADE,
  -- in_progress | ok | error | missed | timeout | unknown
  status TEXT NOT NULL,
  duration_ms INTEGER,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  expected_at REAL,
  timeout_at REAL,
  trace_id TEXT,
  release TEXT,
  UNIQUE (monitor_id, guid)
);
CREATE INDEX monitor_checkins_by_environment ON monitor_checkins (monitor_environment_id, created_at);
CREATE INDEX monitor_checkins_timeouts ON monitor_checkins (timeout_at) WHERE status = 'in_progress';

CREATE TABLE monitor_incidents (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE,
  monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
  monitor_environment_id INTEGER NOT NULL REFERENCES monitor_environments(id) ON DELETE CASCADE,
  opened_at REAL NOT NULL,
  resolved_at REAL,
  issue_id INTEGER
);
CREATE INDEX monitor_incidents_by_environment ON monitor_incidents (monitor_environment_id, opened_at);
CREATE INDEX monitor_incidents_by_issue ON monitor_incidents (issue_id) WHERE issue_id IS NOT NULL;

CREATE TABLE monitor_occurrences (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES monitor_incidents(id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  created_at REAL NOT NULL,
  sent_at REAL
);
CREATE INDEX monitor_occurrences_pending ON monitor_occurrences (id) WHERE sent_at IS NULL;

CREATE TABLE monitor_processing_errors (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  monitor_slug TEXT NOT NULL,
  type TEXT NOT NULL,
  detail TEXT NOT NULL,
  checkin TEXT NOT NULL,
  created_at REAL NOT NULL
);
CREATE INDEX monitor_processing_errors_by_project ON monitor_processing_errors (project_id, id);
`,
  },
  {
    // Ownership rules (issue 18): each project's rules in Sentry's syntax with its two switches,
    // and the owners the last matching rule gave each issue on its first event (`owner:` search).
    // The default alert rule mails an issue's owners when it has any, everyone as before otherwise.
    name: "018-ownership",
    sql: `
CREATE TABLE project_ownership (
  project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  raw TEXT NOT NULL,
  fallthrough INTEGER NOT NULL,
  -- Sentry's words: "Auto Assign to Issue Owner" | "Turn off Auto-Assignment"
  auto_assignment TEXT NOT NULL,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL
);

CREATE TABLE issue_owners (
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  -- a lowercased email or "#<team slug>"
  owner TEXT NOT NULL,
  PRIMARY KEY (issue_id, owner)
) WITHOUT ROWID;
CREATE INDEX issue_owners_by_owner ON issue_owners (owner);

UPDATE alert_rules SET definition = json_set(definition, '$.actions[0].targetType', 'IssueOwners', '$.actions[0].fallthroughType', 'ActiveMembers')
  WHERE is_default = 1 AND json_extract(definition, '$.actions[0].type') = 'email' AND json_extract(definition, '$.actions[0].includeAdmins') = 1
    AND json_array_length(json_extract(definition, '$.actions')) = 1;
`,
  },
  {
    // Issue lists at a million issues (issue 22). Each sort walks one index per (project, status)
    // from the cursor on (ascending indexes read backwards give "DESC, id DESC"); `hot_until` is
    // the triage state the write path keeps: until when an issue may be hot (new in 24 h,
    // regressed in 7 days, or ≥ SPIKE_MIN_EVENTS in its last two clock hours), so the triage order
    // reads only those candidates instead of every unresolved issue (src/store/triage.ts). The
    // backfill applies the same rule to what is stored. Free text goes through an FTS5 trigram
    // index (substrings of 3+ characters, any case) over title, culprit, message (the metadata's
    // value) and the distinct tag values (the first ~4,000 characters of them): the text
    // is a plain table kept by triggers (lists test a word on it row by row while they walk an
    // index), the FTS5 table indexes it as external content (it finds the few issues of a rare
    // word). Tag values are inserted before their issue only by bulk loads; the issue trigger
    // picks up any that are there.
    name: "019-issue-list-indexes",
    sql: `
ALTER TABLE issues ADD COLUMN hot_until REAL NOT NULL DEFAULT 0;
UPDATE issues SET hot_until = max(
  first_seen + 86400,
  CASE WHEN substatus = 'regressed' AND regressed_at IS NOT NULL THEN regressed_at + 604800 ELSE 0 END,
  CASE WHEN (SELECT coalesce(sum(h.event_count), 0) FROM issue_hourly_counts h
      WHERE h.issue_id = issues.id AND h.hour >= CAST(issues.last_seen / 3600 AS INTEGER) - 1) >= 10
    THEN (CAST(last_seen / 3600 AS INTEGER) + 2) * 3600 ELSE 0 END);
DROP INDEX issues_by_status;
CREATE INDEX issues_list_by_last_seen ON issues (project_id, status, last_seen, id);
CREATE INDEX issues_list_by_first_seen ON issues (project_id, status, first_seen, id);
CREATE INDEX issues_list_by_events ON issues (project_id, status, event_count, id);
CREATE INDEX issues_list_by_users ON issues (project_id, status, user_count, event_count, last_seen, id);
CREATE INDEX issues_hot ON issues (hot_until);

CREATE TABLE issue_search_text (
  issue_id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  culprit TEXT NOT NULL,
  message TEXT NOT NULL,
  tags TEXT NOT NULL
);
INSERT INTO issue_search_text (issue_id, title, culprit, message, tags)
  SELECT id, title, culprit, coalesce(json_extract(metadata, '$.value'), ''),
    coalesce(substr((SELECT group_concat(value, ' ') FROM issue_tag_values t WHERE t.issue_id = issues.id), 1, 4000), '')
  FROM issues;
CREATE VIRTUAL TABLE issue_search USING fts5(title, culprit, message, tags,
  content = 'issue_search_text', content_rowid = 'issue_id', tokenize = 'trigram');
INSERT INTO issue_search (issue_search) VALUES ('rebuild');

CREATE TRIGGER issue_search_text_insert AFTER INSERT ON issue_search_text BEGIN
  INSERT INTO issue_search (rowid, title, culprit, message, tags) VALUES (new.issue_id, new.title, new.culprit, new.message, new.tags);
END;
CREATE TRIGGER issue_search_text_update AFTER UPDATE ON issue_search_text BEGIN
  INSERT INTO issue_search (issue_search, rowid, title, culprit, message, tags) VALUES ('delete', old.issue_id, old.title, old.culprit, old.message, old.tags);
  INSERT INTO issue_search (rowid, title, culprit, message, tags) VALUES (new.issue_id, new.title, new.culprit, new.message, new.tags);
END;
CREATE TRIGGER issue_search_text_delete AFTER DELETE ON issue_search_text BEGIN
  INSERT INTO issue_search (issue_search, rowid, title, culprit, message, tags) VALUES ('delete', old.issue_id, old.title, old.culprit, old.message, old.tags);
END;

CREATE TRIGGER issues_search_insert AFTER INSERT ON issues BEGIN
  INSERT INTO issue_search_text (issue_id, title, culprit, message, tags) VALUES (new.id, new.title, new.culprit,
    coalesce(json_extract(new.metadata, '$.value'), ''),
    coalesce(substr((SELECT group_concat(value, ' ') FROM issue_tag_values t WHERE t.issue_id = new.id), 1, 4000), ''));
END;
CREATE TRIGGER issues_search_update AFTER UPDATE OF title, culprit, metadata ON issues
  WHEN old.title IS NOT new.title OR old.culprit IS NOT new.culprit OR old.metadata IS NOT new.metadata BEGIN
  UPDATE issue_search_text SET title = new.title, culprit = new.culprit, message = coalesce(json_extract(new.metadata, '$.value'), '')
    WHERE issue_id = new.id;
END;
CREATE TRIGGER issues_search_delete AFTER DELETE ON issues BEGIN
  DELETE FROM issue_search_text WHERE issue_id = old.id;
END;
CREATE TRIGGER issue_tag_values_search AFTER INSERT ON issue_tag_values BEGIN
  UPDATE issue_search_text SET tags = CASE WHEN tags = '' THEN new.value ELSE tags || ' ' || new.value END
    WHERE issue_id = new.issue_id AND length(tags) < 4000;
END;
`,
  },
  {
    // User feedback (issue 18): `feedback` items and legacy `user_report`s, attached to the issue of
    // the event they are about (null: not attached, shown in the project's Feedback view).
    name: "020-user-feedback",
    sql: `
CREATE TABLE user_feedback (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  issue_id INTEGER REFERENCES issues(id) ON DELETE SET NULL,
  -- the feedback's own id (a user report's is the event it is about)
  event_id TEXT NOT NULL,
  associated_event_id TEXT,
  name TEXT,
  email TEXT,
  comments TEXT NOT NULL,
  url TEXT,
  -- feedback | user_report
  source TEXT NOT NULL,
  created_at REAL NOT NULL,
  UNIQUE (project_id, event_id)
);
CREATE INDEX user_feedback_by_issue ON user_feedback (issue_id) WHERE issue_id IS NOT NULL;
CREATE INDEX user_feedback_by_project ON user_feedback (project_id, created_at);
`,
  },
  {
    // The triage order walks its hot candidates in the list's order (issue 22): per (project,
    // status, hot day = the day of hot_until) by affected users, like issues_list_by_users, with
    // the triage rule's columns in the index so the walk reads no rows. hot_until ≤ a write's time
    // + 7 days, so a list reads the few days from today on and expired candidates (past days) are
    // never read (src/store/issue-pages.ts). The plain hot_until index it replaces read every
    // candidate.
    name: "021-issue-hot-list",
    sql: `
DROP INDEX issues_hot;
CREATE INDEX issues_hot_list ON issues (project_id, status, CAST(hot_until / 86400 AS INTEGER), user_count, event_count, last_seen, id,
  hot_until, first_seen, substatus, regressed_at);
`,
  },
];
