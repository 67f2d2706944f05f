/**
 * Replaces the variable parts of a message or exception value with placeholders, so "order
 * 65f1c2a9e4b0a1b2c3d4e5f6 not found" and "order 65f1c2a9e4b0a1b2c3d4e5f7 not found" group
 * together while "order not found" and "order not paid" stay apart. One combined pattern, as in
 * Sentry's parameterization (src/sentry/grouping/parameterization.py): at each position the
 * first alternative that matches wins, so an email is never half-replaced as a hostname.
 * @example parameterizeText("user 42 at Tue Nov 03 2026 10:01:02 GMT+0100 (CET) sent 0x1f")
 *   // → "user <int> at <date> sent <hex>"
 */
export function parameterizeText(text: string): string {
  COMBINED.lastIndex = 0;
  return text.replace(COMBINED, (...args) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    for (const name of PATTERN_NAMES) if (groups[name] !== undefined) return `<${name}>`;
    return args[0] as string;
  });
}

/** First two non-empty lines of a message, trimmed, as Sentry's message grouping uses. */
export function firstLines(message: string, count = 2): string {
  return message.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, count).join("\n");
}

// --- Internal ---

const DAY = "(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)";
const LONG_DAY = "(?:Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const ZONE = "(?:[-+]\\d{2}[0-5]\\d|UT|GMT|[ECMP][SD]T|[A-IK-Z])";
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const H16 = "[0-9a-fA-F]{1,4}";
/**
 * Sentry's top TLDs, less those that are also common words or identifiers after a dot
 * (`user.id`, `value.is`, `map.to`): those would merge messages that differ in a property name.
 */
const TLDS = "com|net|org|jp|de|uk|fr|br|ru|es|gov|pl|ca|au|cn|co|nl|edu|info|eu|ch|kr|cz|mx|tv|se|tr|tw|al|ua|ir|vn|cl|sk|ly|cc|fi|pt|dk|ar|hu|tk|gr|il|news|ro|biz|ie|za|nz|sg|ee|th|io|xyz|pe|bg|hk|rs|lt|link|ph|club|si|site|mobi|by|cat|wiki|la|ga|xxx|cf|hr|ng|jobs|online|kz|ug|gq|ae|lv|pro|fm|tips|ms|sa|app|dev|cloud|local|internal";

/** In priority order: earlier alternatives win at the same position. */
const PATTERNS: [name: string, source: string][] = [
  ["email", "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*"],
  ["url", "\\b(?:wss?|https?|ftp|postgres(?:ql)?|mysql|redis|mongodb(?:\\+srv)?|amqps?):\\/\\/[^\\s/$.?#][^\\s]*"],
  ["hostname", `\\b(?:[a-zA-Z0-9-]{1,63}\\.)+?(?:${TLDS}|${TLDS.toUpperCase()})\\b`],
  ["ip", [
    // IPv6 (the lookarounds keep "Foo::bar" and "10:01:02" out, and make a compressed address
    // match whole rather than up to its "::"), then IPv4
    `(?<![0-9a-zA-Z_])(?:(?:${H16}:){7}${H16}|(?:${H16}:){1,7}:|(?:${H16}:){1,6}:${H16}|(?:${H16}:){1,5}(?::${H16}){1,2}`,
    `|(?:${H16}:){1,4}(?::${H16}){1,3}|(?:${H16}:){1,3}(?::${H16}){1,4}|(?:${H16}:){1,2}(?::${H16}){1,5}|${H16}:(?::${H16}){1,6}`,
    `|:(?:(?::${H16}){1,7}|:)|fe80:(?::[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]+`,
    `|::(?:ffff(?::0{1,4})?:)?(?:${OCTET}\\.){3}${OCTET}|(?:${H16}:){1,4}:(?:${OCTET}\\.){3}${OCTET}\\b)(?![0-9a-zA-Z:])`,
    `|\\b(?:${OCTET}\\.){3}${OCTET}\\b`,
  ].join("")],
  ["traceparent", "\\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\\b|\\b1-[0-9a-f]{8}-[0-9a-f]{24}\\b"],
  ["uuid", "\\b[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\\b"],
  ["sha1", "\\b[0-9a-fA-F]{40}\\b"],
  ["md5", "\\b[0-9a-fA-F]{32}\\b"],
  ["date", [
    // JavaScript Date#toString: "Tue Nov 03 2026 10:01:02 GMT+0100 (Central European Standard Time)"
    `${DAY}\\s${MONTH}\\s\\d{2}\\s\\d{4}\\s\\d{2}:\\d{2}:\\d{2}\\sGMT[+-]\\d{4}(?:\\s\\([^)]+\\))?`,
    // Java Date#toString: "Tue Nov 03 10:01:02 CET 2026"
    `|${DAY}\\s${MONTH}\\s\\d{2}\\s\\d{2}:\\d{2}:\\d{2}\\s[A-Z]{2,5}\\s\\d{4}`,
    // RFC 822/1123 ("Tue, 03 Nov 2026 09:01:02 GMT"), RFC 850, "Mon Jan 02, 1999"
    `|${DAY},\\s\\d{1,2}\\s${MONTH}\\s\\d{2,4}\\s\\d{1,2}:\\d{1,2}(?::\\d{1,2})?\\s${ZONE}`,
    `|(?:${LONG_DAY}|${DAY}),\\s\\d{2}-${MONTH}-\\d{2}\\s\\d{2}:\\d{2}:\\d{2}\\s${ZONE}`,
    `|(?:${DAY}\\s)?${MONTH}\\s[0-3]\\d,\\s\\d{2,4}`,
    // C ctime / Python: "Tue Nov  3 10:01:02 2026"
    `|\\b(?:${DAY}\\s+)?${MONTH}\\s+\\d{1,2}\\s+\\d{2}:\\d{2}:\\d{2}\\s+\\d{4}`,
    // ISO 8601 / RFC 3339, with or without zone, "T" or space
    `|\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d(?::?[0-5]\\d(?:[.,]\\d+)?)?(?:\\s?[+-][0-2]\\d:?[0-5]\\d|Z)?`,
    `|\\b\\d{4}-[01]\\d-[0-3]\\d\\b`,
    // clock times: "10:01", "9:05:59 pm"
    `|(?<![\\d:])(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?(?![\\d:])(?:\\s?[aApP][mM]\\b)?`,
    `|datetime\\.datetime\\(.*?\\)`,
  ].join("")],
  ["duration", "\\b\\d+(?:\\.\\d+)?\\s?(?:ms|s|sec|secs|seconds|minutes|mins|min|hours|h)\\b"],
  // hex ids: with 0x any length; without, 8+ digits of one case with at least one digit and one letter
  ["hex", "\\b0[xX][0-9a-fA-F]+\\b|\\b(?=[a-f]*\\d)(?=\\d*[a-f])[0-9a-f]{8,128}\\b|\\b(?=[A-F]*\\d)(?=\\d*[A-F])[0-9A-F]{8,128}\\b"],
  // a 7-digit short git sha needs both digits and letters
  ["git_sha", "\\b(?=[a-f]*\\d)(?=\\d*[a-f])[0-9a-f]{7}\\b"],
  ["float", "(?<![\\w.])-\\d+\\.\\d+\\b|\\b\\d+\\.\\d+\\b"],
  ["int", "(?<![\\w.])-\\d+\\b|\\b\\d+\\b"],
  // only the value half of key=value pairs: quoted strings elsewhere are usually the message
  ["quoted_str", "(?<==)(?:'[^']+'|\"[^\"]+\")"],
  ["bool", "(?<==)(?:[Tt]rue|[Ff]alse)\\b"],
];

const PATTERN_NAMES = PATTERNS.map(([name]) => name);
const COMBINED = new RegExp(PATTERNS.map(([name, source]) => `(?<${name}>${source})`).join("|"), "g");
