import type { ExplainPrompt } from "./types.ts";

export interface LlmSettings {
  /** base URL of an OpenAI-compatible API (…/v1) or the full …/chat/completions URL */
  url: string;
  model: string;
  /** sent as `Authorization: Bearer …` when set */
  key: string;
  timeoutMs: number;
}

/** A failure of the LLM call, worded for the person reading the Explain panel. */
export class LlmError extends Error {
  override name = "LlmError";
}

/** Answers larger than this are refused rather than buffered (bytes). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** The chat-completions endpoint for a configured URL: `…/v1` gets `/chat/completions` appended (a query string is kept). */
export function chatCompletionsUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.replace(/\/+$/, "");
    u.pathname = /\/chat\/completions$/.test(path) ? path : `${path}/chat/completions`;
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * One chat-completions request (non-streaming) with a timeout; redirects are refused, not
 * followed. Every failure becomes an LlmError that says what happened in words.
 * @example await completeChat(settings, { system: "…", user: "…" }) // "### What broke …"
 */
export async function completeChat(settings: LlmSettings, prompt: ExplainPrompt): Promise<string> {
  const endpoint = chatCompletionsUrl(settings.url);
  const where = _describe(endpoint);
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(settings.timeoutMs),
      headers: { "Content-Type": "application/json", Accept: "application/json", ...(settings.key ? { Authorization: `Bearer ${settings.key}` } : {}) },
      body: JSON.stringify({
        model: settings.model,
        temperature: 0.2,
        stream: false,
        messages: [{ role: "system", content: prompt.system }, { role: "user", content: prompt.user }],
      }),
    });
  } catch (err) {
    throw new LlmError(_networkFailure(err, where, settings.timeoutMs));
  }
  if (res.status >= 300 && res.status < 400) {
    throw new LlmError(`the AI endpoint at ${where} answered with a redirect (HTTP ${res.status}); redirects are not followed, configure the final URL`);
  }
  let text: string;
  try {
    text = await _readCapped(res);
  } catch (err) {
    throw new LlmError(err instanceof LlmError ? err.message : _networkFailure(err, where, settings.timeoutMs));
  }
  if (!res.ok) {
    throw new LlmError(`the AI endpoint at ${where} answered HTTP ${res.status}${_errorDetail(text)}`);
  }
  return _completionContent(text, where);
}

/**
 * The same request with `stream: true`: the answer arrives as server-sent events
 * (`data: {"choices":[{"delta":{"content":"…"}}]}` … `data: [DONE]`) and each piece is handed to
 * `onDelta` as it comes. The timeout is an idle timeout: it restarts with every piece, so a long
 * answer that keeps coming is not cut off. A server that ignores `stream` and answers with one
 * JSON completion is accepted too. Resolves with the whole answer.
 */
export async function streamChat(settings: LlmSettings, prompt: ExplainPrompt, onDelta: (text: string) => void): Promise<string> {
  const endpoint = chatCompletionsUrl(settings.url);
  const where = _describe(endpoint);
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, settings.timeoutMs);
  };
  const fail = (err: unknown): never => {
    if (err instanceof LlmError) throw err;
    if (timedOut) throw new LlmError(`the AI endpoint at ${where} did not answer within ${_duration(settings.timeoutMs)}`);
    throw new LlmError(_networkFailure(err, where, settings.timeoutMs));
  };
  arm();
  try {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: "POST",
        redirect: "manual",
        signal: controller.signal,
        headers: { "Content-Type": "application/json", Accept: "text/event-stream, application/json", ...(settings.key ? { Authorization: `Bearer ${settings.key}` } : {}) },
        body: JSON.stringify({
          model: settings.model, temperature: 0.2, stream: true,
          messages: [{ role: "system", content: prompt.system }, { role: "user", content: prompt.user }],
        }),
      });
    } catch (err) {
      return fail(err);
    }
    if (res.status >= 300 && res.status < 400) {
      throw new LlmError(`the AI endpoint at ${where} answered with a redirect (HTTP ${res.status}); redirects are not followed, configure the final URL`);
    }
    if (!res.ok || !(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      // an error, or a server that answered with one JSON completion: read it as completeChat does
      let text: string;
      try {
        text = await _readCapped(res);
      } catch (err) {
        return fail(err);
      }
      if (!res.ok) throw new LlmError(`the AI endpoint at ${where} answered HTTP ${res.status}${_errorDetail(text)}`);
      const content = _completionContent(text, where);
      onDelta(content);
      return content;
    }
    let answer = "";
    let buffered = "";
    try {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        buffered += decoder.decode(chunk, { stream: true });
        if (buffered.length + answer.length > MAX_ANSWER_BYTES) throw new LlmError(`the AI endpoint's answer exceeded ${MAX_ANSWER_BYTES} bytes`);
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") continue;
          let piece: unknown;
          try {
            piece = (JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] }).choices?.[0]?.delta?.content;
          } catch {
            throw new LlmError(`the AI endpoint at ${where} sent a stream event that is not JSON: ${JSON.stringify(data.slice(0, 80))}`);
          }
          if (typeof piece === "string" && piece) {
            answer += piece;
            onDelta(piece);
          }
        }
      }
    } catch (err) {
      return fail(err);
    }
    if (!answer.trim()) throw new LlmError(`the AI endpoint at ${where} streamed no answer text`);
    return answer.trim();
  } finally {
    clearTimeout(timer);
  }
}

// --- Internal ---

function _completionContent(text: string, where: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new LlmError(`the AI endpoint at ${where} did not answer with JSON (got ${JSON.stringify(text.slice(0, 80))})`);
  }
  const content = (body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  if (typeof content !== "string" || content.trim() === "") {
    throw new LlmError(`the AI endpoint at ${where} answered, but not with a chat completion (no choices[0].message.content)`);
  }
  return content.trim();
}

function _describe(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "the configured URL";
  }
}

function _networkFailure(err: unknown, where: string, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `the AI endpoint at ${where} did not answer within ${_duration(timeoutMs)}`;
  const code = e.cause?.code;
  if (code === "ECONNREFUSED") return `could not connect to the AI endpoint at ${where}: connection refused (is the server running?)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `could not resolve the AI endpoint's host in ${where}`;
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return `the AI endpoint at ${where} closed the connection before answering`;
  return `the request to the AI endpoint at ${where} failed: ${e.cause?.message ?? e.message ?? String(err)}`;
}

function _duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function _errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; detail?: unknown };
    const msg = typeof body.error === "string" ? body.error : typeof body.error?.message === "string" ? body.error.message : typeof body.detail === "string" ? body.detail : undefined;
    if (msg) return `: ${msg.slice(0, 300)}`;
  } catch {
    // not JSON
  }
  return text.trim() ? `: ${text.trim().slice(0, 200)}` : "";
}

async function _readCapped(res: Response): Promise<string> {
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) throw new LlmError(`the AI endpoint's answer exceeded ${MAX_ANSWER_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
