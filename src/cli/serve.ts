import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { systemClock } from "../clock.ts";
import { startServer } from "../lighttrace.ts";
import { formatDsn } from "../bootstrap.ts";
import { fail } from "./output.ts";
import { autoSignInDisabledReason } from "../api/auto-sign-in.ts";
import { restartWithServerFlags } from "../runtime/server-flags.ts";
import { releaseStartupMemory } from "../runtime/release-startup-memory.ts";

export interface ServeFlags {
  host?: string;
  port?: number;
  data?: string;
  publicUrl?: string;
  /** --open-local / --no-open-local; undefined when neither was given */
  openLocal?: boolean;
  eventsPerMinute?: number;
  monthlyQuota?: number;
  alertTo?: string;
  smtpUrl?: string;
  smtpFrom?: string;
  baseUrl?: string;
}

/** `lighttrace serve`: start, print where to point SDKs, shut down cleanly on SIGTERM/SIGINT. */
export async function runServe(flags: ServeFlags): Promise<void> {
  restartWithServerFlags();
  const config = fail.onConfigError(() =>
    loadConfig(process.env, { host: flags.host, port: flags.port, dataDir: flags.data, publicUrl: flags.publicUrl,
      openLocal: flags.openLocal === undefined ? undefined : flags.openLocal ? "on" : "off",
      eventsPerMinute: flags.eventsPerMinute, monthlyQuota: flags.monthlyQuota,
      alertTo: flags.alertTo, smtpUrl: flags.smtpUrl, smtpFrom: flags.smtpFrom, baseUrl: flags.baseUrl }),
  );
  const logger = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer(config, { logger, clock: systemClock });
  } catch (err) {
    fail((err as Error).message);
  }
  // handlers before the banner: a supervisor may send SIGTERM as soon as it reads "listening on"
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn(`second ${signal}: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error("shutdown failed", { error: err });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // one write, so whoever reads the banner gets it whole
  const noAutoSignIn = autoSignInDisabledReason(config);
  const banner = [
    `LightTrace listening on ${server.url} (data: ${server.location})`,
    `Web UI: ${server.url}/ ` + (noAutoSignIn
      ? `(password sign-in: ${noAutoSignIn}; create a user with \`lighttrace users create <email>\`)`
      : "(a browser on this machine is signed in as the local admin)"),
  ];
  if (server.bootstrap.firstProject) {
    const { project, key } = server.bootstrap.firstProject;
    banner.push(`Created project "${project.slug}". Point an SDK at it with this DSN:`, `  ${formatDsn(server.url, key)}`);
  }
  process.stdout.write(banner.join("\n") + "\n");
  // start-up's garbage back to the system once the last of it (the web API) has loaded
  void server.webApiLoaded.then(() => setTimeout(() => {
    const pauseMs = releaseStartupMemory();
    if (pauseMs !== undefined) logger.debug("start-up garbage collected", { pauseMs: Math.round(pauseMs) });
  }, STARTUP_SETTLE_MS).unref());
}

/** after the web API loads: the first requests (often the UI's) are served before the one GC pause */
const STARTUP_SETTLE_MS = 500;
