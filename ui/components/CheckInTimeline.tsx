import type { ApiCheckIn } from "../../src/contract/index.ts";
import { formatDateTime } from "../format.ts";
import { CHECKIN_STATUS_WORDS, formatDurationMs } from "../lib/monitors.ts";

/** Recent check-ins, oldest left, one coloured tick each (ok, error, missed, timeout, in progress, unknown); hover tells when and how long. */
export function CheckInTimeline(props: { checkIns: ApiCheckIn[]; legend?: boolean }) {
  const ordered = [...props.checkIns].reverse();
  return (
    <div>
      <div class="checkin-timeline" role="list" aria-label="Recent check-ins, oldest first">
        {ordered.length === 0 && <span class="muted small">no check-ins yet</span>}
        {ordered.map((c) => (
          <span key={c.id} role="listitem" class={`checkin-tick s-${c.status}`} data-status={c.status}
            title={`${CHECKIN_STATUS_WORDS[c.status]} · ${formatDateTime(c.dateCreated)} · ${formatDurationMs(c.duration)} · ${c.environment}`} />
        ))}
      </div>
      {props.legend && (
        <div class="checkin-legend">
          {(Object.keys(CHECKIN_STATUS_WORDS) as (keyof typeof CHECKIN_STATUS_WORDS)[]).map((s) => (
            <span key={s}><span class={`checkin-tick s-${s}`} />{CHECKIN_STATUS_WORDS[s]}</span>
          ))}
        </div>
      )}
    </div>
  );
}
