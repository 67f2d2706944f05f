import { z } from "zod";
import { EMAIL_ADDRESS } from "../alert-rules/rule-schema.ts";

/**
 * Alert settings, merged into the main config table (src/config.ts) so they load from the same
 * `LIGHTTRACE_*` variables and flags. Kept here so alerting owns its keys and their reasons.
 */
export const ALERT_DEFAULTS = {
  /** `smtp://user:pass@host:587` or `smtps://…:465`; empty = email alerts are recorded as skipped. */
  smtpUrl: "",
  /** Sender address of alert mail; empty = `LightTrace <lighttrace@<smtp host>>`. */
  smtpFrom: "",
  /** STARTTLS on smtp://: "auto" upgrades when offered, "required" refuses plain text, "off" never upgrades. */
  smtpTls: "auto" as "auto" | "required" | "off",
  /** Verify the SMTP server's certificate. Turn off only for a self-signed relay you control. */
  smtpTlsRejectUnauthorized: true,
  /** Comma-separated addresses every project's default rule mails, besides the users. */
  alertTo: "",
  /** Base URL of links in alerts; empty = the address the server listens on (the public URL). */
  baseUrl: "",
  /** Let webhooks reach loopback/private addresses (off: an alert URL must not become an SSRF probe). */
  alertAllowPrivateWebhooks: false,
  /** ms; a webhook that has not answered by then counts as failed and is retried. */
  alertWebhookTimeoutMs: 10_000,
  /** messages per hour per action (one rule's email list or webhook); the excess is collapsed into one digest. */
  alertHourlyCap: 30,
  /** UTC hour (0-23) at which rules with a daily digest send it. */
  alertDigestHour: 9,
} as const;

export type AlertConfig = Readonly<{
  smtpUrl: string;
  smtpFrom: string;
  smtpTls: "auto" | "required" | "off";
  smtpTlsRejectUnauthorized: boolean;
  alertTo: string;
  baseUrl: string;
  alertAllowPrivateWebhooks: boolean;
  alertWebhookTimeoutMs: number;
  alertHourlyCap: number;
  alertDigestHour: number;
}>;

const flag = z.union([
  z.boolean(),
  z.enum(["1", "true", "yes", "on", "0", "false", "no", "off"]).transform((v) => ["1", "true", "yes", "on"].includes(v)),
]);


const addressList = z.string().refine(
  (s) => parseAddressList(s).every((a) => EMAIL_ADDRESS.safeParse(a).success),
  "a comma-separated list of email addresses",
);

export const ALERT_CONFIG_SHAPE = {
  smtpUrl: z.union([z.literal(""), z.url({ protocol: /^smtps?$/, error: "an smtp:// or smtps:// URL" })]),
  smtpFrom: z.union([z.literal(""), z.string().max(300).regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, "an address or Name <address>")]),
  smtpTls: z.enum(["auto", "required", "off"]),
  smtpTlsRejectUnauthorized: flag,
  alertTo: addressList,
  baseUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/ })]),
  alertAllowPrivateWebhooks: flag,
  alertWebhookTimeoutMs: z.coerce.number().int().min(100).max(120_000),
  alertHourlyCap: z.coerce.number().int().min(1).max(10_000),
  alertDigestHour: z.coerce.number().int().min(0).max(23),
};

/** "a@x.io, b@y.io" → ["a@x.io", "b@y.io"] */
export function parseAddressList(s: string): string[] {
  return s.split(",").map((a) => a.trim()).filter(Boolean);
}
