import { fstatSync, write, writeSync } from "node:fs";

/** Lines are written once this many characters are waiting (or on the flush timer). */
const BATCH_CHARS = 16 * 1024;
/** A full pipe (EAGAIN) is retried after this long. */
const RETRY_MS = 10;

/** Destinations still holding lines at exit (weakly held: a dropped logger is not kept alive). */
const live = new Set<WeakRef<BatchedLogDestination>>();
let exitHookInstalled = false;

function flushAllAtExit(): void {
  for (const reference of live) reference.deref()?.flushSync();
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * Where log lines go: collected in memory and written in batches of ~16 KB, not one write per
 * line (a write per line through the thread pool cost ~5 % of a small request's CPU). To a
 * regular file a batch is one synchronous `write` on the main thread (a few microseconds, no
 * thread hop); to a pipe or terminal, which a slow reader can fill, it is written asynchronously
 * and retried while the pipe is full. `flushSync` runs at process exit, so no line is lost on a
 * normal exit.
 */
export class BatchedLogDestination {
  private readonly fd: number;
  private readonly synchronous: boolean;
  private parts: string[] = [];
  private chars = 0;
  private writing = false;
  /** A flush was asked for while a write was in flight: write the rest when it completes. */
  private flushAgain = false;
  private reportedFailure = false;
  private readonly reference = new WeakRef(this);

  constructor(fd: number) {
    this.fd = fd;
    this.synchronous = isRegularFile(fd);
    live.add(this.reference);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", flushAllAtExit);
    }
  }

  /** pino's destination interface: one serialized line (with its newline). */
  write(line: string): void {
    this.parts.push(line);
    this.chars += line.length;
    if (this.chars >= BATCH_CHARS) this.flush();
  }

  /** Write what is waiting; `callback` once it is written (or failed). */
  flush(callback?: (error?: Error) => void): void {
    if (this.chars === 0 || this.writing) {
      if (this.writing) this.flushAgain = true;
      callback?.();
      return;
    }
    const bytes = this.take();
    if (this.synchronous) {
      this.writeAllSync(bytes);
      callback?.();
      return;
    }
    this.writing = true;
    this.writeAsync(bytes, 0, callback);
  }

  /** Write everything now, blocking (process exit). */
  flushSync(): void {
    if (this.chars === 0) return;
    this.writeAllSync(this.take());
  }

  private take(): Buffer {
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join("");
    this.parts = [];
    this.chars = 0;
    return Buffer.from(text);
  }

  private writeAllSync(bytes: Buffer): void {
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      // A full non-blocking pipe at exit: what cannot be written now is dropped.
      this.failed(error);
    }
  }

  private writeAsync(bytes: Buffer, offset: number, callback: ((error?: Error) => void) | undefined): void {
    write(this.fd, bytes, offset, bytes.length - offset, null, (error, written) => {
      if (error !== null) {
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
          setTimeout(() => this.writeAsync(bytes, offset, callback), RETRY_MS).unref();
          return;
        }
        this.failed(error);
      } else if (offset + written < bytes.length) {
        this.writeAsync(bytes, offset + written, callback);
        return;
      }
      this.writing = false;
      callback?.();
      const again = this.flushAgain;
      this.flushAgain = false;
      if (again || this.chars >= BATCH_CHARS) this.flush();
    });
  }

  private failed(error: unknown): void {
    if (this.reportedFailure) return;
    this.reportedFailure = true;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `llmux: log lines could not be written (${message}); further failures are not reported\n`,
    );
  }
}
