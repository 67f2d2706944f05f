import type { ApiTagKey } from "../../src/contract/index.ts";
import { truncate } from "../format.ts";

/** Top values of each tag as bars, with each value's share of the tag's events. */
export function TagBars(props: { tags: ApiTagKey[] }) {
  if (props.tags.length === 0) return <p class="muted">No tags on this issue's events.</p>;
  return (
    <div class="tag-bars">
      {props.tags.map((tag) => (
        <div class="tag" key={tag.key}>
          <div class="tag-key">
            <span>{tag.key}</span>
            <span class="muted">{tag.uniqueValues} value{tag.uniqueValues === 1 ? "" : "s"}</span>
          </div>
          {tag.topValues.slice(0, 5).map((v) => {
            const share = tag.totalValues ? (v.count / tag.totalValues) * 100 : 0;
            return (
              <div class="tag-value" key={v.value} title={`${v.value}: ${v.count} (${share.toFixed(0)}%)`}>
                <span class="tag-fill" style={{ width: `${share.toFixed(1)}%` }} />
                <span class="tag-name">{truncate(v.value, 60)}</span>
                <span class="tag-pct">{share < 1 ? "<1" : share.toFixed(0)}%</span>
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
