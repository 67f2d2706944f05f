import {
  brotliDecompressSync, createBrotliDecompress, createGunzip, createInflate, createInflateRaw, createZstdDecompress, gunzipSync, inflateRawSync,
  inflateSync, zstdDecompressSync, constants as zlibConstants,
} from "node:zlib";
import type { Transform } from "node:stream";
import { badRequest, httpError, tooLarge } from "../http/errors.ts";

export interface BodyLimits {
  /** bytes on the wire */
  maxCompressed: number;
  /** bytes after decompression */
  maxDecompressed: number;
}

/** Normalises a `Content-Encoding` header and refuses (415) the ones ingest cannot decode. */
export function contentEncoding(header: string | string[] | undefined): string {
  const encoding = String(header ?? "").trim().toLowerCase();
  _decoderFactory(encoding); // throws 415 for unknown encodings
  return encoding;
}

/**
 * Decodes a request body arriving as `source` chunks into `onChunk`, decompressing gzip, deflate
 * (zlib or raw), br and zstd. Both caps are enforced as bytes arrive, so neither a large body nor a
 * decompression bomb is ever held in memory: decoding stops at the cap with a 413. `onChunk` may
 * return a promise to hold decoding until it settles (the envelope header's DSN is checked first).
 * With `streamOnly`, compressed bodies never take the one-call inflate, so output stays chunked.
 */
export async function decodeBody(
  source: AsyncIterable<Buffer>, encoding: string, limits: BodyLimits, onChunk: (chunk: Buffer) => void | Promise<void>, opts: { streamOnly?: boolean } = {},
): Promise<void> {
  const makeDecoder = _decoderFactory(encoding);
  let decompressed = 0;
  let compressed = 0;
  const deliver = (chunk: Buffer) => {
    decompressed += chunk.length;
    if (decompressed > limits.maxDecompressed) {
      throw tooLarge(`decompressed body exceeds the limit of ${limits.maxDecompressed} bytes`);
    }
    return onChunk(chunk);
  };
  const countWire = (chunk: Buffer) => {
    compressed += chunk.length;
    if (compressed > limits.maxCompressed) throw tooLarge(`request body exceeds the limit of ${limits.maxCompressed} bytes`);
  };

  if (!makeDecoder) {
    for await (const chunk of source) {
      countWire(chunk);
      await deliver(chunk);
    }
    return;
  }

  // Decoding as the body arrives, when asked: its start can then be looked at before the rest is read.
  if (opts.streamOnly) return _streamDecode(makeDecoder, source, countWire, deliver, encoding);
  // Compressed bodies are small in practice (a few KB): read them whole (bounded by the wire cap)
  // and inflate in one synchronous call, which costs a fraction of setting up a zlib stream. Only
  // when the output would pass SYNC_OUTPUT_LIMIT — a big attachment or a bomb — does it stream.
  const wire: Buffer[] = [];
  for await (const chunk of source) {
    countWire(chunk);
    wire.push(chunk);
  }
  const compressedBody = wire.length === 1 ? wire[0]! : Buffer.concat(wire);
  if (compressedBody.length === 0) return;
  if (compressedBody.length <= SYNC_INPUT_LIMIT) {
    const maxOutputLength = Math.min(limits.maxDecompressed + 1, SYNC_OUTPUT_LIMIT);
    let inflated: Buffer | undefined;
    try {
      inflated = _decodeSync(encoding, compressedBody, maxOutputLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ERR_BUFFER_TOO_LARGE") {
        throw badRequest(`body is not valid ${encoding} data: ${(err as Error).message}`);
      }
      // too big to inflate in one piece: stream it below
    }
    if (inflated) return deliver(inflated);
  }
  await _streamDecode(makeDecoder, [compressedBody], () => {}, deliver, encoding);
}

// --- Internal ---

/** Compressed bodies up to this size are inflated in one synchronous call. */
const SYNC_INPUT_LIMIT = 1024 * 1024;
/** Inflating in one call stops here; larger outputs stream through a decoder with bounded memory. */
const SYNC_OUTPUT_LIMIT = 8 * 1024 * 1024;

function _decodeSync(encoding: string, body: Buffer, maxOutputLength: number): Buffer {
  switch (encoding) {
    case "gzip":
    case "x-gzip":
      return gunzipSync(body, { maxOutputLength });
    case "deflate":
      return _looksLikeZlib(body) ? inflateSync(body, { maxOutputLength }) : inflateRawSync(body, { maxOutputLength });
    case "br":
      return brotliDecompressSync(body, { maxOutputLength });
    default:
      return zstdDecompressSync(body, { maxOutputLength });
  }
}

/**
 * Streams a compressed body through a decoder, in slices, as its chunks come. Output is handed on
 * chunk by chunk from inside the 'data' handler and the decoder is destroyed at the first cap
 * breach, so decompressed data never piles up in memory; a delivery that returns a promise pauses
 * the decoder (and so the reading of `source`) until it settles.
 */
async function _streamDecode(
  makeDecoder: (first: Buffer) => Transform, source: AsyncIterable<Buffer> | Iterable<Buffer>, countWire: (chunk: Buffer) => void,
  deliver: (chunk: Buffer) => void | Promise<void>, encoding: string,
): Promise<void> {
  let decoder: Transform | undefined;
  let failure: unknown;
  try {
    for await (const chunk of source) {
      countWire(chunk);
      if (chunk.length === 0) continue;
      decoder ??= _startDecoder(makeDecoder(chunk), deliver, encoding, (err) => (failure ??= err));
      for (let offset = 0; offset < chunk.length && !failure; offset += STREAM_SLICE) {
        await _write(decoder, chunk.subarray(offset, offset + STREAM_SLICE));
      }
      if (failure) break;
    }
    const started = decoder;
    if (started && !failure) {
      await new Promise<void>((resolve) => {
        started.once("end", resolve);
        started.once("close", resolve);
        started.end();
      });
    }
    if (failure) throw failure;
  } finally {
    decoder?.destroy();
  }
}

/** Wires a decoder's output to `deliver`; the first failure (its own or a delivery's) goes to `onFailure` and destroys it. */
function _startDecoder(decoder: Transform, deliver: (chunk: Buffer) => void | Promise<void>, encoding: string, onFailure: (err: unknown) => void): Transform {
  let failed = false;
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    onFailure(err);
    decoder.destroy();
  };
  decoder.on("data", (c: Buffer) => {
    if (failed) return;
    try {
      const held = deliver(c);
      if (held) {
        decoder.pause();
        held.then(() => decoder.resume(), fail);
      }
    } catch (err) {
      fail(err);
    }
  });
  decoder.on("error", (err: Error) => fail(badRequest(`body is not valid ${encoding} data: ${err.message}`)));
  return decoder;
}

const STREAM_SLICE = 64 * 1024;

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
      throw httpError(415, `unsupported Content-Encoding "${encoding}" (use gzip, deflate, br or zstd)`);
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
