/**
 * Replaces the variable parts of a message with placeholders so that "user 42 not found" and
 * "user 43 not found" group together. Patterns and their priority follow Sentry's parameterisation
 * (docs/sentry-protocol.md §7): email, url, hostname, ip, uuid, sha1, md5, date, duration, hex, float, int,
 * quoted string, bool.
 */
export function parameterizeMessage(message: string): string {
  let out = message;
  for (const [placeholder, pattern] of PATTERNS) out = out.replace(pattern, placeholder);
  return out;
}

/** First two non-empty lines of a message, trimmed, as Sentry's message grouping uses. */
export function firstLines(message: string, count = 2): string {
  return message.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, count).join("\n");
}

// --- Internal ---

const PATTERNS: [string, RegExp][] = [
  ["<email>", /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g],
  ["<url>", /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi],
  ["<ip>", /\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,7}:(?:[0-9a-f]{1,4})?\b/gi],
  ["<uuid>", /\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi],
  ["<sha1>", /\b[0-9a-f]{40}\b/gi],
  ["<md5>", /\b[0-9a-f]{32}\b/gi],
  ["<date>", /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b|\b\d{1,2}:\d{2}(?::\d{2})?\b/g],
  ["<duration>", /\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|minutes|mins|min|hours|h)\b/gi],
  ["<hex>", /\b0x[0-9a-f]+\b/gi],
  ["<float>", /\b\d+\.\d+\b/g],
  ["<int>", /\b\d+\b/g],
  ["=<quoted_str>", /='[^']*'/g],
  ["=<bool>", /=(?:true|false)\b/gi],
];
