import type { TriageBadge } from "../lib/triage.ts";

const TITLES: Record<TriageBadge, string> = {
  new: "First seen in the last 24 hours",
  regressed: "Happened again after it was resolved",
  spiking: "The last hour is well above this issue's usual hourly rate",
};

export function TriageBadges(props: { badges: TriageBadge[] }) {
  return (
    <>
      {props.badges.map((b) => <span key={b} class={`badge badge-${b}`} title={TITLES[b]}>{b}</span>)}
    </>
  );
}
