import type { IncomingMessage } from "node:http";
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw, createZstdDecompress, constants as zlibConstants } from "node:zlib";
import type { Transform } from "node:stream";
import { badRequest, IngestError, tooLarge } from "./errors.ts";

export interface BodyLimits {
  /** bytes on the wire */
  maxCompressed: number;
  /** bytes after decompression */
  maxDecompressed: number;
}

/**
 * Streams a request body into `onChunk`, decompressing `Content-Encoding` gzip, deflate (zlib or
 * raw), br and zstd as it goes. Both caps are enforced while streaming, so neither a large body nor
 * a decompression bomb is ever held in memory: the stream stops at the cap with a 413.
 */
export async function streamBody(req: IncomingMessage, limits: BodyLimits, onChunk: (chunk: Buffer) => void): Promise<void> {
  const encoding = String(req.headers["content-encoding"] ?? "").trim().toLowerCase();
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limits.maxCompressed) {
    throw tooLarge(`request body of ${declared} bytes exceeds the limit of ${limits.maxCompressed} bytes`);
  }
  const makeDecoder = _decoderFactory(encoding);
  let decompressed = 0;
  let compressed = 0;
  const deliver = (chunk: Buffer) => {
    decompressed += chunk.length;
    if (decompressed > limits.maxDecompressed) {
      throw tooLarge(`decompressed body exceeds the limit of ${limits.maxDecompressed} bytes`);
    }
    onChunk(chunk);
  };
  const countWire = (chunk: Buffer) => {
    compressed += chunk.length;
    if (compressed > limits.maxCompressed) throw tooLarge(`request body exceeds the limit of ${limits.maxCompressed} bytes`);
  };

  if (!makeDecoder) {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      countWire(chunk);
      deliver(chunk);
    }
    return;
  }

  // Output is handed on chunk by chunk from inside the 'data' handler, and the decoder is destroyed
  // at the first cap breach, so decompressed data never piles up in memory.
  let decoder: Transform | undefined;
  let failure: unknown;
  const fail = (err: unknown) => {
    failure ??= err;
    decoder?.destroy();
  };
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      countWire(chunk);
      if (!decoder) {
        decoder = makeDecoder(chunk);
        decoder.on("data", (c: Buffer) => {
          if (failure) return;
          try { deliver(c); } catch (err) { fail(err); }
        });
        decoder.on("error", (err: Error) => fail(badRequest(`body is not valid ${encoding} data: ${err.message}`)));
      }
      await _write(decoder, chunk);
      if (failure) throw failure;
    }
    if (decoder) {
      const d = decoder;
      await new Promise<void>((resolve) => {
        d.once("end", resolve);
        d.once("close", resolve);
        d.end();
      });
    }
    if (failure) throw failure;
  } finally {
    decoder?.destroy();
  }
}

/** Reads a whole body (bounded by the same caps) into one Buffer, for the small /store/ payloads. */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await streamBody(req, limits, (c) => chunks.push(c));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

// --- Internal ---

/** A decoder maker for the encoding (given the first body chunk), or undefined for identity. */
function _decoderFactory(encoding: string): ((first: Buffer) => Transform) | undefined {
  // chunkSize bounds each output piece, so a bomb is stopped after at most one extra chunk
  const opts = { chunkSize: 64 * 1024 };
  switch (encoding) {
    case "":
    case "identity":
    case "utf-8": // sent by some Ruby/Android SDK versions; Relay treats it as identity
    case "utf8":
      return undefined;
    case "gzip":
    case "x-gzip":
      return () => createGunzip(opts);
    case "deflate":
      // ambiguous in the wild: zlib-wrapped per RFC 9110, raw deflate from some SDKs
      return (first) => (_looksLikeZlib(first) ? createInflate(opts) : createInflateRaw(opts));
    case "br":
      return () => createBrotliDecompress({ chunkSize: opts.chunkSize, params: { [zlibConstants.BROTLI_DECODER_PARAM_LARGE_WINDOW]: 0 } });
    case "zstd":
      return () => createZstdDecompress(opts);
    default:
      throw new IngestError(415, `unsupported Content-Encoding "${encoding}" (use gzip, deflate, br or zstd)`);
  }
}

function _looksLikeZlib(chunk: Buffer): boolean {
  if (chunk.length < 2) return true;
  const cmf = chunk[0]!;
  const flg = chunk[1]!;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

/** Writes with backpressure: waits for the decoder to drain so its output stays one chunk at a time. */
function _write(stream: Transform, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) return resolve();
    if (stream.write(chunk)) return resolve();
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.once("drain", done);
    stream.once("close", done);
  });
}
