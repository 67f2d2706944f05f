import type { ApiHealthPoint } from "../../src/contract/index.ts";
import { formatCount } from "../format.ts";
import { formatPercent } from "../lib/release-health.ts";

/**
 * A release's sessions over time: one bar per bucket (crashed part in red, errored in amber) and
 * the crash-free rate of each bucket in its tooltip and the line above.
 */
export function HealthChart(props: { points: ApiHealthPoint[]; bucket: "hour" | "day" }) {
  const width = 600;
  const height = 140;
  const top = 30;
  const max = Math.max(1, ...props.points.map((p) => p.sessions));
  const barWidth = width / Math.max(1, props.points.length);
  const total = props.points.reduce((n, p) => n + p.sessions, 0);
  const crashed = props.points.reduce((n, p) => n + p.crashed, 0);
  const label = (t: number) => {
    const d = new Date(t * 1000);
    return props.bucket === "hour" ? `${String(d.getHours()).padStart(2, "0")}:00` : `${d.getMonth() + 1}/${d.getDate()}`;
  };
  const scale = (n: number) => (n / max) * (height - top - 2);
  // crash-free line: 100 % at the top band's top, 90 % (or lower) at its bottom
  const lineY = (rate: number) => 2 + (1 - Math.max(0, rate - 90) / 10) * (top - 6);
  const line = props.points
    .map((p, i) => (p.crashFreeSessions === null ? null : `${(i + 0.5) * barWidth},${lineY(p.crashFreeSessions)}`))
    .filter((x) => x !== null);
  return (
    <figure class="health-chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${total} sessions, ${crashed} crashed`}>
        {line.length > 1 && <polyline points={line.join(" ")} class="health-line" fill="none" />}
        {props.points.map((p, i) => {
          const x = i * barWidth + 1;
          const w = Math.max(1, barWidth - 2);
          const h = p.sessions === 0 ? 1 : Math.max(2, scale(p.sessions));
          const hc = scale(p.crashed);
          const he = scale(p.errored + p.abnormal);
          return (
            <g key={p.time}>
              <title>{`${label(p.time)}: ${p.sessions} sessions, ${p.errored} errored, ${p.crashed} crashed — crash-free ${formatPercent(p.crashFreeSessions)}`}</title>
              <rect x={x} y={height - h} width={w} height={h} class={p.sessions === 0 ? "spark-zero" : "spark-bar"} />
              {he > 0 && <rect x={x} y={height - hc - he} width={w} height={he} class="bar-errored" />}
              {hc > 0 && <rect x={x} y={height - hc} width={w} height={hc} class="bar-crashed" />}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span>{props.points[0] ? label(props.points[0].time) : ""}</span>
        <span>{formatCount(total)} sessions · {formatCount(crashed)} crashed · line: crash-free rate (90–100 %)</span>
        <span>{props.points.length ? label(props.points[props.points.length - 1]!.time) : ""}</span>
      </figcaption>
    </figure>
  );
}
