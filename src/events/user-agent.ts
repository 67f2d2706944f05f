/** Browser and OS names from a User-Agent, for the `browser` and `os` tags Sentry derives the same way. */
export interface UserAgentInfo {
  browser?: { name: string; version?: string };
  os?: { name: string; version?: string };
}

/**
 * Remembered per User-Agent string (a few distinct ones make most traffic, and this runs on every
 * event that carries one); the result is frozen, since it is shared.
 */
export function parseUserAgent(ua: string): Readonly<UserAgentInfo> {
  let info = PARSED.get(ua);
  if (!info) {
    info = _parse(ua);
    if (ua.length > MAX_REMEMBERED_CHARS) return info;
    if (PARSED.size >= MAX_REMEMBERED) PARSED.clear();
    PARSED.set(ua, info);
  }
  return info;
}

// --- Internal ---

const PARSED = new Map<string, Readonly<UserAgentInfo>>();
const MAX_REMEMBERED = 1_000;
const MAX_REMEMBERED_CHARS = 512;

function _parse(ua: string): Readonly<UserAgentInfo> {
  const info: UserAgentInfo = {};
  for (const [name, re] of BROWSERS) {
    const m = re.exec(ua);
    if (m) {
      info.browser = { name, ...(m[1] ? { version: m[1] } : {}) };
      break;
    }
  }
  for (const [name, re] of OPERATING_SYSTEMS) {
    const m = re.exec(ua);
    if (m) {
      info.os = { name, ...(m[1] ? { version: m[1].replace(/_/g, ".") } : {}) };
      break;
    }
  }
  if (info.browser) Object.freeze(info.browser);
  if (info.os) Object.freeze(info.os);
  return Object.freeze(info);
}

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
const BROWSERS: [string, RegExp][] = [
  ["Edge", /Edg(?:e|A|iOS)?\/([\d.]+)/],
  ["Opera", /OPR\/([\d.]+)/],
  ["Firefox", /Firefox\/([\d.]+)/],
  ["Chrome Headless", /HeadlessChrome\/([\d.]+)/],
  ["Chrome", /(?:Chrome|CriOS)\/([\d.]+)/],
  ["Safari", /Version\/([\d.]+).*Safari\//],
  ["Node.js", /Node\.js\/([\d.]+)/],
];

const OPERATING_SYSTEMS: [string, RegExp][] = [
  ["Windows", /Windows NT ([\d.]+)/],
  ["iOS", /(?:iPhone|iPad|iPod).*? OS ([\d_]+)/],
  ["Mac OS X", /Mac OS X ([\d_.]+)/],
  ["Android", /Android ([\d.]+)/],
  ["Chrome OS", /CrOS \S+ ([\d.]+)/],
  ["Linux", /Linux()/],
];
