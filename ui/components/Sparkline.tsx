import type { ApiStatsSeries } from "../../src/contract/index.ts";

/** A tiny bar chart of an events series; the tooltip names the total. */
export function Sparkline(props: { series: ApiStatsSeries | undefined; width?: number; height?: number }) {
  const series = props.series ?? [];
  const width = props.width ?? 96;
  const height = props.height ?? 24;
  if (series.length === 0) return <svg class="sparkline" width={width} height={height} aria-hidden="true" />;
  const max = Math.max(1, ...series.map(([, n]) => n));
  const total = series.reduce((sum, [, n]) => sum + n, 0);
  const barWidth = width / series.length;
  return (
    <svg class="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${total} events`}>
      <title>{`${total} events in this period`}</title>
      {series.map(([t, n], i) => {
        const h = n === 0 ? 1 : Math.max(2, (n / max) * (height - 1));
        return <rect key={t} x={i * barWidth + 0.5} y={height - h} width={Math.max(1, barWidth - 1)} height={h} class={n === 0 ? "spark-zero" : "spark-bar"} />;
      })}
    </svg>
  );
}
