import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { AlertConfig } from "../config.ts";

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** stable per outbox row, so a repeat after a crash mid-delivery carries the same Message-ID */
  messageId?: string;
  headers?: Record<string, string>;
}

/** An SMTP failure with the server's words, and whether retrying can help. */
export class SmtpError extends Error {
  override name = "SmtpError";
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.permanent = permanent;
  }
}

export interface EmailChannel {
  /** false when LIGHTTRACE_SMTP_URL is empty */
  readonly configured: boolean;
  /** "host:port" of the SMTP server, for messages */
  readonly server: string;
  /** Sends; resolves with the server's final answer (e.g. "250 2.0.0 Ok: queued"), rejects with SmtpError. */
  send(message: EmailMessage): Promise<string>;
  close(): void;
}

/**
 * Email over SMTP with nodemailer: one small connection pool (alerts come in bursts), STARTTLS
 * as configured, short timeouts so a dead server fails fast and the dispatcher retries later.
 */
export function createEmailChannel(config: AlertConfig): EmailChannel {
  if (!config.smtpUrl) {
    return {
      configured: false,
      server: "",
      send: async () => {
        throw new SmtpError("SMTP is not configured (set LIGHTTRACE_SMTP_URL, e.g. smtp://user:pass@mail.example.com:587)", true);
      },
      close: () => {},
    };
  }
  const url = new URL(config.smtpUrl);
  const secure = url.protocol === "smtps:";
  const server = `${url.hostname}:${url.port || (secure ? 465 : 587)}`;
  // nodemailer is a large module graph: it loads with the first mail, not with the server
  let transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | undefined;
  const connect = () => (transport ??= import("nodemailer").then(({ default: nodemailer }) => nodemailer.createTransport({
    url: config.smtpUrl,
    pool: true,
    maxConnections: 2,
    requireTLS: config.smtpTls === "required",
    ignoreTLS: config.smtpTls === "off",
    tls: { rejectUnauthorized: config.smtpTlsRejectUnauthorized },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  })));
  const from = config.smtpFrom || `LightTrace <lighttrace@${/^[\d.]+$|:/.test(url.hostname) ? "localhost" : url.hostname}>`;
  return {
    configured: true,
    server,
    async send(message) {
      try {
        const info = await (await connect()).sendMail({
          from, to: message.to, subject: message.subject, text: message.text, html: message.html,
          ...(message.messageId ? { messageId: message.messageId } : {}),
          ...(message.headers ? { headers: message.headers } : {}),
        });
        const refused = (info.rejected ?? []).map(String);
        if (refused.length && info.accepted.length === 0) throw new SmtpError(`the server refused every recipient (${refused.join(", ")})`, true);
        return String(info.response ?? "accepted");
      } catch (err) {
        throw err instanceof SmtpError ? err : describeSmtpError(err, server);
      }
    },
    close: () => void transport?.then((t) => t.close()),
  };
}

/**
 * Words for an SMTP failure: what happened and what to check.
 * @example describeSmtpError({ code: "ECONNREFUSED" }, "mail:587").message // "could not connect to mail:587 …"
 */
export function describeSmtpError(err: unknown, server: string): SmtpError {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const response = e.response ? ` (server said: ${e.response.trim().slice(0, 300)})` : "";
  // nodemailer reports socket failures as ESOCKET/ECONNECTION with the system error in the message
  const system = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH)\b/.exec(e.message ?? "")?.[1];
  const code = system === "EAI_AGAIN" ? "ENOTFOUND" : system === "ECONNRESET" || system === "EHOSTUNREACH" ? "ECONNECTION" : system ?? e.code;
  switch (code) {
    case "ECONNREFUSED":
      return new SmtpError(`could not connect to ${server}: connection refused (is the SMTP server running on that port?)`, false);
    case "ENOTFOUND":
    case "EDNS":
      return new SmtpError(`could not find the SMTP host of ${server} (DNS lookup failed)`, false);
    case "ETIMEDOUT":
    case "ECONNECTION":
      return new SmtpError(`could not talk to ${server}: ${e.message ?? "connection failed"}`, false);
    case "EAUTH":
      return new SmtpError(`${server} refused the login: check the user and password in LIGHTTRACE_SMTP_URL${response}`, false);
    case "ETLS":
      return new SmtpError(`TLS with ${server} failed: ${e.message ?? "handshake error"} (see LIGHTTRACE_SMTP_TLS and LIGHTTRACE_SMTP_TLS_REJECT_UNAUTHORIZED)`, false);
    case "EENVELOPE":
      return new SmtpError(`${server} refused the sender or recipients${response || `: ${e.message}`}`, (e.responseCode ?? 0) >= 500);
    default:
      if (e.responseCode && e.responseCode >= 500) return new SmtpError(`${server} rejected the message${response}`, true);
      if (e.responseCode) return new SmtpError(`${server} deferred the message${response}`, false);
      return new SmtpError(`sending through ${server} failed: ${e.message ?? String(err)}`, false);
  }
}
