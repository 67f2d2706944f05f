import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { LIGHTTRACE_VERSION } from "../../version.ts";
import { checkWebhookUrl, isPrivateAddress, UrlPolicyError } from "../url-policy.ts";

export interface WebhookOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** sent as `Idempotency-Key`, so a receiver can drop a repeat after a crash mid-delivery */
  idempotencyKey: string;
}

/**
 * POSTs a JSON body. No redirects (a 3xx is a failure: following one could lead anywhere), a
 * hard timeout, and every address the host resolves to checked against the URL policy before
 * connecting; the connection then goes to the address that was checked (no DNS rebinding).
 * Resolves with a short description of the answer; rejects on anything but 2xx.
 */
export async function postWebhook(url: string, body: string, opts: WebhookOptions): Promise<string> {
  const u = checkWebhookUrl(url, opts.allowPrivate);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!opts.allowPrivate && isIP(host) && isPrivateAddress(host)) throw new UrlPolicyError(`webhook address ${host} is private`);
  const request = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(u, {
      method: "POST",
      lookup: _checkedLookup(opts.allowPrivate),
      headers: {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
        "User-Agent": `LightTrace/${LIGHTTRACE_VERSION}`,
        "Idempotency-Key": opts.idempotencyKey,
      },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on("response", (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (text.length < 500) text += chunk;
      });
      res.on("end", () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(`HTTP ${status}`);
        else if (status >= 300 && status < 400) reject(new UrlPolicyError(`webhook answered with a redirect (HTTP ${status} to ${res.headers.location ?? "?"}); redirects are not followed`));
        else reject(new Error(`webhook answered HTTP ${status}${text ? `: ${text.trim().slice(0, 200)}` : ""}`));
      });
      res.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.end(body);
  });
}

// --- Internal ---

function _checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      const refused = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (refused) {
        return callback(new UrlPolicyError(`webhook host ${hostname} resolves to ${refused.address}, a private or loopback address`), "", 0);
      }
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
