/**
 * The body chunks of one job as they arrive from the main thread, read as an async iterable by
 * the decoder. `onTaken` reports each chunk once the decoder has taken it (the main thread's flow
 * control: it sends more only while little is waiting). `fail` ends the iteration with an error.
 */
export class ChunkQueue implements AsyncIterable<Buffer> {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private readonly onTaken: ((bytes: number) => void) | undefined;

  constructor(onTaken?: (bytes: number) => void) {
    this.onTaken = onTaken;
  }

  push(chunk: Buffer): void {
    if (chunk.length) this.chunks.push(chunk);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(err: unknown): void {
    this.failure ??= err;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      if (this.failure) throw this.failure;
      const chunk = this.chunks.shift();
      if (chunk) {
        this.onTaken?.(chunk.length);
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  // --- Internal ---

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
