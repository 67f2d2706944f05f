import type { Frame } from "../events/types.ts";

/** A frame's unresolved-source-map reason as Sentry-style frame `errors`, or null. */
export function frameSymbolicationErrors(frame: Frame): { type: string; message: string }[] | null {
  const data = frame.data as { sourcemap_error?: unknown; sourcemap_error_detail?: unknown } | undefined;
  if (!data || typeof data.sourcemap_error !== "string") return null;
  return [{ type: data.sourcemap_error, message: typeof data.sourcemap_error_detail === "string" ? data.sourcemap_error_detail : data.sourcemap_error }];
}
