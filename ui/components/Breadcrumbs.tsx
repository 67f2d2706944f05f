import { useState } from "preact/hooks";
import type { ApiBreadcrumb } from "../../src/contract/index.ts";
import { formatDateTime, formatOffset } from "../format.ts";
import { describeBreadcrumb, lastBreadcrumbBefore } from "../lib/breadcrumbs.ts";

const COLLAPSED_COUNT = 10;

/** Breadcrumbs as a timeline, oldest first; the last one before the error is highlighted. */
export function Breadcrumbs(props: { crumbs: ApiBreadcrumb[]; eventTime: string }) {
  const [all, setAll] = useState(false);
  const highlight = lastBreadcrumbBefore(props.crumbs, props.eventTime);
  const start = all ? 0 : Math.max(0, props.crumbs.length - COLLAPSED_COUNT);
  return (
    <div class="breadcrumbs">
      {start > 0 && (
        <button type="button" class="link-button" onClick={() => setAll(true)}>Show {start} earlier breadcrumbs</button>
      )}
      <table class="crumbs">
        <thead>
          <tr><th>Time</th><th>Category</th><th>Level</th><th>Message</th></tr>
        </thead>
        <tbody>
          {props.crumbs.slice(start).map((c, i) => {
            const index = start + i;
            return (
              <tr key={index} class={`crumb level-row-${c.level}${index === highlight ? " last-before-error" : ""}`} title={index === highlight ? "Last breadcrumb before the error" : undefined}>
                <td class="crumb-time" title={formatDateTime(c.timestamp)}>{formatOffset(c.timestamp, props.eventTime) || "—"}</td>
                <td class="crumb-cat">{c.category ?? c.type}</td>
                <td><span class={`crumb-level crumb-${c.level}`}>{c.level}</span></td>
                <td class="crumb-msg">
                  {describeBreadcrumb(c)}
                  {c.message && c.data && Object.keys(c.data).length > 0 && <code class="crumb-data">{JSON.stringify(c.data)}</code>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
