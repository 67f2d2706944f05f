import type { Frame } from "../events/types.ts";
import { sdkInApp, type StackVerdict } from "./stack-rules/apply.ts";

/**
 * Writes the stack-trace rules' in-app verdicts into the event's frames, so the stored event, the
 * stack trace view and the culprit show library frames as library frames. What the SDK sent is
 * kept in `data.orig_in_app` (1, 0, or -1 for unset), as Sentry does; grouping reads that, so it
 * gives the same key before and after marking. Mutates the frames given.
 */
export function markInAppFrames(stacks: readonly { frames: Frame[]; verdict: StackVerdict }[]): void {
  for (const { frames, verdict } of stacks) {
    frames.forEach((frame, i) => {
      const inApp = verdict.frames[i]!.inApp;
      const sdk = sdkInApp(frame);
      if (inApp === undefined || inApp === frame.in_app) return;
      const data = (frame.data && typeof frame.data === "object" ? frame.data : {}) as Record<string, unknown>;
      if (data.orig_in_app === undefined) data.orig_in_app = sdk === undefined ? -1 : sdk ? 1 : 0;
      frame.data = data;
      frame.in_app = inApp;
    });
  }
}
