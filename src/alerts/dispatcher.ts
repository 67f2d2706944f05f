import type { Clock } from "../clock.ts";
import { alertRecipients } from "../ownership/alert-recipients.ts";
import type { Logger } from "../logger.ts";
import type { OutboxRow } from "../store/model/alerts.ts";
import type { Store } from "../store/types.ts";
import type { EmailChannel } from "./channels/email.ts";
import { SmtpError } from "./channels/email.ts";
import { postWebhook } from "./channels/webhook.ts";
import { parseAddressList, type AlertConfig } from "./config.ts";
import { digestMessage, enqueueDailyDigests, type DigestItem } from "./digest.ts";
import { alertBodies, alertSubject, webhookJson, webhookSlack, type AlertFacts } from "./message.ts";
import { UrlPolicyError } from "./url-policy.ts";

export interface DispatcherDeps {
  store: Store;
  config: AlertConfig;
  logger: Logger;
  clock: Clock;
  email: EmailChannel;
  /** where links in alerts point (LIGHTTRACE_BASE_URL, else the public URL) */
  baseUrl: () => string;
}

/** Retry delays grow 2 s, 4 s, 8 s … up to 10 minutes; after this many attempts a row is failed. */
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 10 * 60_000;
const MAX_ATTEMPTS = 40;
/** Actions delivered at the same time; each action's own alerts go one after another. */
const MAX_LANES = 8;
/** How often held alerts (hourly cap) and daily digests are looked at. */
const HOUSEKEEPING_MS = 30_000;
/** Finished deliveries are kept this long for the history (cooldowns are at most 7 days). */
const KEEP_DELIVERIES_SECONDS = 30 * 86_400;
const KEEP_COOLDOWNS_SECONDS = 8 * 86_400;

/**
 * Sends what the ingest transaction put in the outbox, after commit: woken right after each
 * commit that enqueued something, and on a timer for retries (exponential backoff), for alerts
 * held back by the hourly cap (collapsed into one digest once the hour allows) and for daily
 * digests. Everything it needs to resume is in the outbox, so a restart picks up where a crash
 * left off. A crash in the instant between the server's "250 accepted" and the row being marked
 * sent resends that one message with the same Message-ID / Idempotency-Key.
 */
export class AlertDispatcher {
  private readonly deps: DispatcherDeps;
  private timer: NodeJS.Timeout | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** one delivery lane per action in flight, by action key */
  private readonly lanes = new Map<string, Promise<void>>();
  private again = false;
  private stopped = true;

  constructor(deps: DispatcherDeps) {
    this.deps = deps;
  }

  /** Starts sending (pending rows left by a previous run go first). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.housekeeping = setInterval(() => void this.tick(), HOUSEKEEPING_MS).unref();
    void this.deps.store.alerts.retryPendingNow(this._nowSec()).then(() => this.tick());
  }

  /** Something was enqueued: send it now. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this._run().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Resolves once every due row has been attempted (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.running || this.lanes.size) await Promise.all([this.running, ...this.lanes.values()]);
  }

  async stop(): Promise<void> {
    await this.pause();
    this.deps.email.close();
  }

  /** Stops sending and waits for deliveries in flight; `start()` resumes (another node leads meanwhile). */
  async pause(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.housekeeping);
    await this.idle();
  }

  // --- Internal ---

  /**
   * Starts a lane for each action with due rows (up to MAX_LANES): the rows of one action go out in
   * order, so its hourly cap is exact, and a slow webhook holds up only its own alerts. A lane
   * that finishes wakes the dispatcher for whatever came in meanwhile.
   */
  private async _run(): Promise<void> {
    const { store, logger } = this.deps;
    try {
      await this._collapseHeld();
      const rows = await store.alerts.dueOutbox(this._nowSec(), 200, [...this.lanes.keys()]);
      const byAction = new Map<string, OutboxRow[]>();
      for (const row of rows) byAction.set(row.actionKey, [...(byAction.get(row.actionKey) ?? []), row]);
      for (const [key, group] of byAction) {
        if (this.stopped || this.lanes.size >= MAX_LANES) break;
        const lane = this._lane(group)
          .catch((err: unknown) => logger.error("alert delivery lane failed", { error: err }))
          .finally(() => {
            this.lanes.delete(key);
            this.wake();
          });
        this.lanes.set(key, lane);
      }
    } catch (err) {
      logger.error("alert dispatcher failed", { error: err });
    }
    await this._scheduleNext();
  }

  private async _lane(rows: OutboxRow[]): Promise<void> {
    for (const row of rows) {
      if (this.stopped) return;
      await this._deliver(row);
    }
  }

  private async _scheduleNext(): Promise<void> {
    if (this.stopped || this.lanes.size >= MAX_LANES) return; // a finishing lane wakes us
    const next = await this.deps.store.alerts.nextDueAt([...this.lanes.keys()]);
    clearTimeout(this.timer);
    if (next === undefined) return;
    const delay = Math.max(0, Math.min(next * 1000 - this.deps.clock.now(), RETRY_MAX_MS));
    this.timer = setTimeout(() => this.wake(), delay).unref();
  }

  /** The periodic work, also callable directly: today's daily digests, then a send pass (which collapses held alerts). */
  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const rules = await this.deps.store.alerts.digestRules();
      if (rules.length) await enqueueDailyDigests(this.deps.store.alerts, rules, this.deps.clock.now(), this.deps.config.alertDigestHour);
      await this.deps.store.alerts.pruneOutbox(this._nowSec() - KEEP_DELIVERIES_SECONDS, this._nowSec() - KEEP_COOLDOWNS_SECONDS);
    } catch (err) {
      this.deps.logger.error("daily digest failed", { error: err });
    }
    this.wake();
    await this.idle();
  }

  /** Held alerts of an action become one digest as soon as the action's last hour has room again. */
  private async _collapseHeld(): Promise<void> {
    const alerts = this.deps.store.alerts;
    for (const key of await alerts.heldActionKeys()) {
      if ((await alerts.sentCountSince(key, this._nowSec() - 3600)) < this.deps.config.alertHourlyCap) {
        await alerts.collapseHeld(key, this._nowSec());
      }
    }
  }

  private async _deliver(row: OutboxRow): Promise<void> {
    const { store, logger, config } = this.deps;
    const now = this._nowSec();
    const isDigest = row.trigger === "collapsed_digest" || row.trigger === "daily_digest";
    if (!isDigest && (await store.alerts.sentCountSince(row.actionKey, now - 3600)) >= config.alertHourlyCap) {
      await store.alerts.markDone(row.id, "held", `hourly limit of ${config.alertHourlyCap} reached; goes out in the next digest`);
      return;
    }
    let mailedTo: string[] = [];
    try {
      const rule = await store.alerts.getRule(row.ruleId);
      if (rule?.status !== "active") {
        await store.alerts.markDone(row.id, "skipped", "the rule was disabled before this alert went out");
        return;
      }
      const content = await this._compose(row);
      if (!content) {
        await store.alerts.markDone(row.id, "skipped", "the issue no longer exists");
        return;
      }
      if (row.action.type === "email") {
        const action = row.action;
        // a target without its own addresses falls through to the admins
        const to = await alertRecipients(store, action, row, () => this._recipients(action.to, action.includeAdmins || (action.targetType !== undefined && action.to.length === 0)));
        if (to.length === 0) {
          await store.alerts.markDone(row.id, "skipped", "no recipients: no users with an email address and LIGHTTRACE_ALERT_TO is empty");
          return;
        }
        if (!this.deps.email.configured) {
          await store.alerts.markDone(row.id, "skipped", "SMTP is not configured (LIGHTTRACE_SMTP_URL)");
          return;
        }
        mailedTo = to;
        await this.deps.email.send({
          to, subject: content.subject, text: content.text, html: content.html,
          messageId: `<alert-${row.idempotencyKey.replace(/[^\w.-]/g, ".")}@lighttrace>`,
          // Auto-Submitted (RFC 3834): out-of-office replies must not answer alerts
          headers: { "Auto-Submitted": "auto-generated", "X-LightTrace-Trigger": row.trigger, ...(row.eventId ? { "X-LightTrace-Event": row.eventId } : {}) },
        });
      } else {
        const body = row.action.format === "slack" ? { text: content.slackText } : content.json;
        await postWebhook(row.action.url, JSON.stringify(body), {
          timeoutMs: config.alertWebhookTimeoutMs, allowPrivate: config.alertAllowPrivateWebhooks, idempotencyKey: row.idempotencyKey,
        });
      }
      await store.alerts.markSent(row.id, this._nowSec());
      if (mailedTo.length && row.issueId !== null) await this._logMailSent(row, rule.name, mailedTo);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof UrlPolicyError || (err instanceof SmtpError && err.permanent);
      if (permanent || row.attempts + 1 >= MAX_ATTEMPTS) {
        logger.warn("alert delivery failed for good", { outbox: row.id, trigger: row.trigger, error: message });
        await store.alerts.markDone(row.id, "failed", message);
      } else {
        const delay = Math.min(RETRY_BASE_MS * 2 ** row.attempts, RETRY_MAX_MS);
        logger.warn("alert delivery failed, will retry", { outbox: row.id, attempt: row.attempts + 1, retryInMs: delay, error: message });
        await store.alerts.markRetry(row.id, message, this._nowSec() + delay / 1000);
      }
    }
  }

  /** Subject, bodies and webhook payloads of a row, read from the store as it is now. */
  private async _compose(row: OutboxRow): Promise<{ subject: string; text: string; html: string; json: Record<string, unknown>; slackText: string } | undefined> {
    const { store } = this.deps;
    const project = await store.getProject(row.projectId);
    if (!project) return undefined;
    if (row.issueId === null) {
      const items: DigestItem[] = [];
      for (const it of (row.payload?.items ?? []) as { issueId: number; trigger: string }[]) {
        const issue = await store.getIssue(it.issueId);
        if (issue) items.push({ issue, trigger: it.trigger, link: this._link(issue.id) });
      }
      const m = digestMessage(row.trigger, project, items);
      const json = { idempotencyKey: row.idempotencyKey, trigger: row.trigger, text: m.subject, project: { id: String(project.id), slug: project.slug, name: project.name },
        issues: items.map((it) => ({ id: String(it.issue.id), title: it.issue.title, trigger: it.trigger, count: it.issue.eventCount, url: it.link })) };
      return { ...m, json, slackText: `*${m.subject}*\n` + items.map((it) => `• <${it.link}|${it.issue.title.replace(/[<>&]/g, "")}>`).join("\n") };
    }
    const issue = await store.getIssue(row.issueId);
    if (!issue) return undefined;
    const stored = row.eventId ? await store.getEvent(row.projectId, row.eventId) : undefined;
    const facts: AlertFacts = {
      trigger: row.trigger, project, issue, event: stored?.event, details: row.payload, link: this._link(issue.id),
    };
    const bodies = alertBodies(facts);
    return { subject: alertSubject(facts), ...bodies, json: webhookJson(facts, row.idempotencyKey), slackText: String(webhookSlack(facts).text) };
  }

  /** The issue's activity log records each alert mail the SMTP server accepted (the time to detect is measured from it). */
  private async _logMailSent(row: OutboxRow, ruleName: string, to: string[]): Promise<void> {
    try {
      const recipients = to.join(", ");
      await this.deps.store.addIssueActivity({
        issueId: row.issueId!, projectId: row.projectId, type: "alert_sent", actor: null, createdAtSec: this._nowSec(),
        data: { rule: ruleName, trigger: row.trigger, recipients },
      });
    } catch (err) {
      this.deps.logger.warn("could not record a sent alert in the issue's activity", { outbox: row.id, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private async _recipients(to: string[], includeAdmins: boolean): Promise<string[]> {
    const all = new Set(to.map((a) => a.toLowerCase()));
    if (includeAdmins) {
      for (const user of await this.deps.store.listUsers()) if (!user.isLocalAdmin) all.add(user.email.toLowerCase());
      for (const address of parseAddressList(this.deps.config.alertTo)) all.add(address.toLowerCase());
    }
    return [...all];
  }

  private _link(issueId: number): string {
    return `${this.deps.baseUrl().replace(/\/+$/, "")}/issues/${issueId}/`;
  }

  private _nowSec(): number {
    return this.deps.clock.now() / 1000;
  }
}
