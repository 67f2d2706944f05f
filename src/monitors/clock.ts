import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { TickResult } from "../process/monitor-checkins.ts";
import type { Store } from "../store/types.ts";

/** The setting that remembers when any clock last ticked (seconds since the epoch). */
export const LAST_TICK_SETTING = "monitors.clock.lastTickSec";
/** A gap between ticks longer than this means nobody was ticking: LightTrace was not running. */
export const DOWNTIME_GAP_SEC = 150;

export interface MonitorClockDeps {
  tick: (nowMs: number, wasDown: (fromSec: number, toSec: number) => boolean) => Promise<TickResult>;
  store: Pick<Store, "getSetting" | "setSetting">;
  clock: Clock;
  logger: Logger;
  /**
   * Whether this process runs the clock now. The clock must run once per installation: on one node
   * always; with several nodes on PostgreSQL only the elected leader (src/cluster/).
   */
  isLeader?: () => boolean | Promise<boolean>;
}

/**
 * The once-a-minute tick of cron monitoring (Sentry's clock_dispatch): each tick marks timeouts and
 * missed check-ins (src/process/monitor-checkins.ts). It is honest about its own downtime: when the
 * previous tick is longer ago than `DOWNTIME_GAP_SEC`, check-ins that were due between the two ticks
 * are recorded as `unknown` and raise nothing — the job may well have run while LightTrace was down.
 */
export class MonitorClock {
  private readonly deps: MonitorClockDeps;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickResult | undefined> | undefined;
  private stopped = true;

  constructor(deps: MonitorClockDeps) {
    this.deps = deps;
  }

  /** Ticks now (catching up after a restart), then at the start of every minute. */
  start(): void {
    this.stopped = false;
    void this.runOnce().finally(() => this._schedule());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One tick at the clock's now (tests call it directly with an injected clock). */
  runOnce(): Promise<TickResult | undefined> {
    this.running ??= this._tick().finally(() => (this.running = undefined));
    return this.running;
  }

  // --- Internal ---

  private async _tick(): Promise<TickResult | undefined> {
    const { deps } = this;
    try {
      if (deps.isLeader && !(await deps.isLeader())) return undefined;
      const nowMs = deps.clock.now();
      const nowSec = nowMs / 1000;
      const stored = await deps.store.getSetting(LAST_TICK_SETTING);
      const lastTickSec = stored === undefined ? undefined : Number(stored);
      const downFromSec = lastTickSec !== undefined && Number.isFinite(lastTickSec) && nowSec - lastTickSec > DOWNTIME_GAP_SEC ? lastTickSec : undefined;
      if (downFromSec !== undefined) deps.logger.info("monitor clock: no tick since a while (LightTrace was not running); check-ins due meanwhile are marked unknown", { sinceSec: downFromSec });
      // a run was due while nobody ticked when its window [expected, latest] touches the gap
      const wasDown = (fromSec: number, toSec: number) => downFromSec !== undefined && fromSec <= nowSec && toSec >= downFromSec;
      const result = await deps.tick(nowMs, wasDown);
      await deps.store.setSetting(LAST_TICK_SETTING, String(nowSec));
      if (result.missed || result.timeouts || result.unknown) deps.logger.info("monitor clock tick", { ...result });
      return result;
    } catch (err) {
      deps.logger.error("monitor clock tick failed", { error: err });
      return undefined;
    }
  }

  private _schedule(): void {
    if (this.stopped) return;
    const nowMs = this.deps.clock.now();
    // a second past the next minute: schedules name whole minutes
    const delayMs = 60_000 - (nowMs % 60_000) + 1_000;
    this.timer = setTimeout(() => void this.runOnce().finally(() => this._schedule()), delayMs);
    this.timer.unref();
  }
}
