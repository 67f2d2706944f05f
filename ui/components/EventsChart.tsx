import type { ApiStatsSeries } from "../../src/contract/index.ts";
import { formatCount } from "../format.ts";

/** The events-over-time bar chart of the issue page (hourly for 24 h, daily for 30 d). */
export function EventsChart(props: { series: ApiStatsSeries; bucket: "hour" | "day" }) {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...props.series.map(([, n]) => n));
  const total = props.series.reduce((s, [, n]) => s + n, 0);
  const barWidth = width / Math.max(1, props.series.length);
  const label = (t: number) => {
    const d = new Date(t * 1000);
    return props.bucket === "hour" ? `${String(d.getHours()).padStart(2, "0")}:00` : `${d.getMonth() + 1}/${d.getDate()}`;
  };
  const first = props.series[0];
  const last = props.series[props.series.length - 1];
  return (
    <figure class="events-chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${total} events`}>
        {props.series.map(([t, n], i) => {
          const h = n === 0 ? 1 : Math.max(2, (n / max) * (height - 4));
          return (
            <rect key={t} x={i * barWidth + 1} y={height - h} width={Math.max(1, barWidth - 2)} height={h} class={n === 0 ? "spark-zero" : "spark-bar"}>
              <title>{`${label(t)}: ${n} event${n === 1 ? "" : "s"}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption>
        <span>{first ? label(first[0]) : ""}</span>
        <span>{formatCount(total)} event{total === 1 ? "" : "s"} · peak {formatCount(max)}/{props.bucket}</span>
        <span>{last ? label(last[0]) : ""}</span>
      </figcaption>
    </figure>
  );
}
