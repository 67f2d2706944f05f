/**
 * PII redaction for everything Explain sends out of the process: emails, IP addresses, tokens and
 * secrets (bearer/basic credentials, JWTs, well-known key formats, `password=…`-style pairs),
 * cookies and card-like numbers (13-19 digits passing the Luhn check). Applied to the whole
 * prompt text as the last step, so no path around it exists.
 */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replace] of TEXT_RULES) out = out.replace(pattern, replace as never);
  return out;
}

/** Headers whose values are credentials or session state: their values never leave. */
export const SENSITIVE_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token", "x-csrf-token", "x-xsrf-token", "x-sentry-auth"]);

/** A header pair safe to show: sensitive values replaced, the rest text-redacted. */
export function redactHeader(name: string, value: string): [string, string] {
  return [name, SENSITIVE_HEADERS.has(name.toLowerCase()) ? "[redacted]" : redactText(value)];
}

// --- Internal ---

const SECRET_KEYS = "password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|session(?:id)?|sid|csrf|jwt|credential|private[_-]?key";

const TEXT_RULES: [RegExp, string | ((...m: string[]) => string)][] = [
  // header lines inside free text: "Authorization: Bearer …", "Cookie: a=b; c=d"
  [/\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key)(["']?\s*[:=]\s*["']?)[^\n"']+/gi, (_m, k, sep) => `${k}${sep}[redacted]`],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g, (_m, scheme) => `${scheme} [redacted]`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[token]"],
  [/\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}\b|\bsk-[A-Za-z0-9_-]{16,}\b|\bgh[pousr]_[A-Za-z0-9]{20,}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}\b|\bAKIA[0-9A-Z]{16}\b|\bsntry[su]_[A-Za-z0-9+/=_]{20,}/g, "[token]"],
  // key=value and "key": "value" pairs whose key names a secret
  [new RegExp(`\\b((?:${SECRET_KEYS})[\\w-]*)(["']?\\s*[=:]\\s*["']?)([^\\s&"',;}]+)`, "gi"), (_m, k, sep) => `${k}${sep}[redacted]`],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, "[email]"],
  [/(?<![\w.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\w.])/g, "[ip]"],
  [/(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, (m) => (_looksLikeIpv6(m) ? "[ip]" : m)],
  [/(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g, (m) => (_luhn(m.replace(/\D/g, "")) ? "[card]" : m)],
  // long random-looking strings (mixed case and digits, 32+ characters) are treated as secrets
  [/\b(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{32,}\b/g, "[token]"],
];

function _looksLikeIpv6(s: string): boolean {
  if (s.includes("::")) return s.length >= 3 && /[0-9a-f]/i.test(s);
  const groups = s.split(":");
  return groups.length >= 6 && groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g));
}

function _luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19 || /^(\d)\1+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
