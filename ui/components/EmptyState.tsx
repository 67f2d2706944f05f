import type { ComponentChildren } from "preact";

/** A friendly explanation of why a screen is empty and what to do about it. */
export function EmptyState(props: { title: string; children?: ComponentChildren }) {
  return (
    <section class="empty-state">
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}
