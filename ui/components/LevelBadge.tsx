/** The event level as a coloured pill (fatal, error, warning, info, debug). */
export function LevelBadge(props: { level: string }) {
  const level = ["fatal", "error", "warning", "info", "debug"].includes(props.level) ? props.level : "error";
  return <span class={`level level-${level}`} title={`level: ${props.level}`}>{props.level}</span>;
}
