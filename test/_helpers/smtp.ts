import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { track } from "./harness.ts";

export interface TestSmtp {
  port: number;
  /** smtp://127.0.0.1:<port> for LIGHTTRACE_SMTP_URL */
  url: string;
  /** every message accepted so far, parsed */
  mails: ParsedMail[];
  /** ms since epoch at which each message was accepted (same order as `mails`) */
  acceptedAt: number[];
  /** resolves once every message accepted so far is parsed into `mails` */
  parsed(): Promise<void>;
  /** idempotent; the harness also closes it when its test (or file) ends */
  close(): Promise<void>;
}

/**
 * A real SMTP server in-process (smtp-server), without TLS or auth, that parses what it accepts
 * with mailparser. `port` 0 picks a free one; pass a port to bring a "down" server back up.
 * Closed when the test that started it ends (started in `beforeAll`: when the file ends).
 */
export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const mails: ParsedMail[] = [];
  const acceptedAt: number[] = [];
  const parsing: Promise<void>[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        acceptedAt.push(Date.now());
        parsing.push(simpleParser(Buffer.concat(chunks)).then((m) => void mails.push(m), () => {}));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= new Promise<void>((resolve) => server.close(() => resolve())));
  track({ close });
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    mails,
    acceptedAt,
    parsed: async () => void (await Promise.all(parsing)),
    close,
  };
}

/** A free TCP port with nothing listening on it (an SMTP server that is down). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
