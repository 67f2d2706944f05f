import type { ApiFrame } from "../contract/index.ts";

/** Markdown helpers for tool answers: compact, readable in one pass, with links. */

/** A Markdown table; cells are escaped and cut to keep rows on one line. */
export function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cell = (v: string | number | null | undefined) => String(v ?? "—").replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ").slice(0, 160);
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

/** `2026-12-01 10:00 UTC (3 h ago)` from an ISO time. */
export function when(iso: string | null | undefined, nowMs = Date.now()): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const ago = Math.max(0, nowMs - t) / 1000;
  const rel = ago < 90 ? `${Math.round(ago)} s ago` : ago < 5400 ? `${Math.round(ago / 60)} min ago` : ago < 172_800 ? `${Math.round(ago / 3600)} h ago` : `${Math.round(ago / 86_400)} d ago`;
  return `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC (${rel})`;
}

/** `code` with backticks that cannot break out. */
export function code(text: string): string {
  const t = text.replace(/`/g, "ˋ");
  return `\`${t}\``;
}

/** A stack trace, innermost frame first as agents read them, with source context around in-app lines. */
export function stackTrace(frames: ApiFrame[], opts: { maxFrames?: number; contextLines?: number } = {}): string {
  const max = opts.maxFrames ?? 15;
  const around = opts.contextLines ?? 3;
  const inner = [...frames].reverse();
  const out: string[] = [];
  for (const f of inner.slice(0, max)) {
    const where = `${f.filename ?? f.absPath ?? f.module ?? "?"}${f.lineNo !== null ? `:${f.lineNo}${f.colNo !== null ? `:${f.colNo}` : ""}` : ""}`;
    out.push(`${f.inApp ? "→" : " "} ${f.function ?? "<anonymous>"} at ${where}${f.inApp ? "" : " (library)"}${f.sourceLink ? ` [source](${f.sourceLink})` : ""}`);
    if (f.inApp && f.context.length) {
      for (const [n, src] of f.context.filter(([n]) => f.lineNo === null || Math.abs(n - f.lineNo) <= around)) {
        out.push(`    ${n === f.lineNo ? ">" : " "}${String(n).padStart(5)} | ${src}`);
      }
    }
  }
  if (inner.length > max) out.push(`  … ${inner.length - max} more frames`);
  return "```\n" + out.join("\n") + "\n```";
}
