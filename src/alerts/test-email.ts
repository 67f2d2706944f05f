import type { EmailChannel } from "./channels/email.ts";

/** The outcome of a test message, in words for the CLI and the UI. */
export interface TestEmailResult {
  sent: boolean;
  message: string;
}

/**
 * Sends a short test message through the alert SMTP settings and says what happened:
 * "Sent: mail.example.com:587 accepted the message for ops@example.com (250 2.0.0 Ok: queued as 4F2…)"
 * or "Not sent: could not connect to mail.example.com:587: connection refused (…)".
 */
export async function sendTestEmail(channel: EmailChannel, to: string, baseUrl: string): Promise<TestEmailResult> {
  if (!channel.configured) {
    return { sent: false, message: "Not sent: SMTP is not configured. Set LIGHTTRACE_SMTP_URL (e.g. smtp://user:pass@mail.example.com:587) and LIGHTTRACE_SMTP_FROM." };
  }
  try {
    const response = await channel.send({
      to: [to],
      subject: "[LightTrace] Test message",
      text: `This is a test message from LightTrace at ${baseUrl}.\n\nIf you can read it, alert emails can reach ${to}.\n`,
      html: `<p>This is a test message from LightTrace at <a href="${baseUrl}">${baseUrl}</a>.</p><p>If you can read it, alert emails can reach ${to.replace(/[<>&"]/g, "")}.</p>`,
    });
    return { sent: true, message: `Sent: ${channel.server} accepted the message for ${to} (${response.trim()})` };
  } catch (err) {
    return { sent: false, message: `Not sent: ${err instanceof Error ? err.message : String(err)}` };
  }
}
