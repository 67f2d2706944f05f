import pg from "pg";
import { parsePostgresUrl, redactDatabaseUrl } from "./connection.ts";

/** The session-level advisory lock whose holder is the cluster's leader. */
const LEADER_LOCK_SQL = "SELECT pg_try_advisory_lock(hashtextextended('lighttrace:leader', 0)) AS taken";

/**
 * One dedicated connection per node for what must live in a session (never behind a
 * transaction-mode pooler): the leader lock, LISTEN, and the heartbeat that proves both are still
 * held. A dead peer host is noticed through TCP keepalives and `tcp_user_timeout` (about 20 s);
 * a killed process closes its socket and the server releases its lock at once.
 */
export class PgClusterSession {
  private readonly client: pg.Client;
  private lostHandlers: ((err: Error) => void)[] = [];
  private notifyHandlers: ((channel: string, payload: string) => void)[] = [];
  private lost = false;

  private constructor(client: pg.Client) {
    this.client = client;
    client.on("error", (err) => this.markLost(err));
    client.on("end", () => this.markLost(new Error("the connection to PostgreSQL closed")));
    client.on("notification", (n) => {
      for (const handler of this.notifyHandlers) handler(n.channel, n.payload ?? "");
    });
  }

  /** Connects; rejects with an error naming the server without its password. */
  static async connect(url: string, opts: { applicationName: string; queryTimeoutMs: number }): Promise<PgClusterSession> {
    const config = parsePostgresUrl(url) as pg.ClientConfig & { options?: string };
    const client = new pg.Client({
      ...config,
      application_name: opts.applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
      query_timeout: opts.queryTimeoutMs,
      connectionTimeoutMillis: opts.queryTimeoutMs,
      // server side: notice a vanished node within ~20 s (ignored on Unix sockets)
      options: config.options ?? "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 -c tcp_user_timeout=20000",
    });
    try {
      await client.connect();
    } catch (err) {
      client.end().catch(() => undefined);
      throw new Error(`cannot connect to ${redactDatabaseUrl(url)}: ${(err as Error).message}`, { cause: err });
    }
    return new PgClusterSession(client);
  }

  /** Takes the leader lock if no other session holds it (never waits). */
  async tryLead(): Promise<boolean> {
    const { rows } = await this.client.query<{ taken: boolean }>(LEADER_LOCK_SQL);
    return rows[0]?.taken === true;
  }

  /** Proves the session (and with it a held lock) is alive; throws when it is not. */
  async heartbeat(): Promise<void> {
    await this.client.query("SELECT 1");
  }

  async listen(channel: string): Promise<void> {
    await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  }

  /** Sends a notification (delivered to every listening session, this one included). */
  async notify(channel: string, payload: string): Promise<void> {
    await this.client.query("SELECT pg_notify($1, $2)", [channel, payload]);
  }

  onNotification(handler: (channel: string, payload: string) => void): void {
    this.notifyHandlers.push(handler);
  }

  /** Called once when the connection fails or closes (the lock, if held, is gone with it). */
  onLost(handler: (err: Error) => void): void {
    this.lostHandlers.push(handler);
  }

  get isLost(): boolean {
    return this.lost;
  }

  /** Closes the connection: the server releases the lock and the LISTENs. */
  async close(): Promise<void> {
    this.lostHandlers = [];
    this.lost = true;
    await this.client.end().catch(() => undefined);
  }

  // --- Internal ---

  private markLost(err: Error): void {
    if (this.lost) return;
    this.lost = true;
    for (const handler of this.lostHandlers) handler(err);
    this.client.end().catch(() => undefined);
  }
}

/** Sends one notification over a short-lived connection (CLI commands, which hold no session). */
export async function pgNotifyOnce(url: string, channel: string, payload: string): Promise<void> {
  const client = new pg.Client({ ...parsePostgresUrl(url), application_name: "lighttrace cli", connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("SELECT pg_notify($1, $2)", [channel, payload]);
  } finally {
    await client.end().catch(() => undefined);
  }
}
