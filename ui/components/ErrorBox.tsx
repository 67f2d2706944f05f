import type { ComponentChildren } from "preact";

/** An error in words, with a retry button when the caller can retry. Never a blank page. */
export function ErrorBox(props: { title: string; message: string; onRetry?: () => void; action?: ComponentChildren }) {
  return (
    <div class="error-box" role="alert">
      <strong>{props.title}</strong>
      <p>{props.message}</p>
      {props.onRetry && <button type="button" onClick={props.onRetry}>Try again</button>}
      {props.action}
    </div>
  );
}
