import { ApiError } from "./client.ts";
import type { ApiExplainResult } from "../../src/contract/index.ts";

/**
 * POST /issues/{id}/explain/?stream=1 and read its server-sent events: `delta` pieces of the AI's
 * answer go to `onDelta` as they arrive; resolves with the final `result`.
 */
export async function postExplainStream(path: string, body: unknown, onDelta: (text: string) => void): Promise<ApiExplainResult> {
  const res = await fetch(`${path}?stream=1`, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "text/event-stream", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) {
    let detail = res.statusText || `HTTP ${res.status}`;
    try {
      const parsed = (await res.json()) as { detail?: unknown };
      if (typeof parsed.detail === "string") detail = parsed.detail;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, detail);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf("\n\n")) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") as unknown;
      if (event === "delta") onDelta((data as { text: string }).text);
      else if (event === "result") return data as ApiExplainResult;
      else if (event === "error") throw new ApiError(500, (data as { detail?: string })?.detail ?? "Internal Error");
    }
    if (done) throw new ApiError(502, "the answer stream ended without a result");
  }
}
