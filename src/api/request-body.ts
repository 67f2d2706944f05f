import { HTTPError, type H3Event } from "h3";

/**
 * The request body as bytes, refused with 413 past `maxBytes` — checked against Content-Length
 * first and counted while streaming (chunked uploads have no length), so it never buffers more.
 */
export async function readBodyCapped(event: H3Event, maxBytes: number, tooLarge = "Request too large"): Promise<Buffer> {
  // The rest of the body is never read: close the connection after the answer rather than keep a
  // half-read request on it (it would also hold up a graceful shutdown).
  const refuse = () => new HTTPError({ status: 413, message: tooLarge, headers: { Connection: "close" } });
  const declared = Number(event.req.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw refuse();
  const body = event.req.body;
  if (!body) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw refuse();
    }
    parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(parts, total);
}

/** Parses a buffered `multipart/form-data` body (Node's own parser); 400 when it is not one. */
export async function parseMultipart(event: H3Event, body: Buffer): Promise<FormData> {
  const contentType = event.req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) throw new HTTPError({ status: 400, message: "expected a multipart/form-data body" });
  try {
    return await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
  } catch (err) {
    throw new HTTPError({ status: 400, message: `malformed multipart body: ${(err as Error).message}` });
  }
}
