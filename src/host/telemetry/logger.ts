import { type Logger, pino } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  /** Write to this file descriptor (default: stdout). */
  destination?: number;
  /** Longest a line may wait in the write buffer (default 250 ms). */
  flushIntervalMs?: number;
}

/**
 * Structured JSON logs, off the request path: lines are buffered (4 KB) and written
 * asynchronously, and a timer flushes the buffer so a quiet gateway's lines still appear
 * within `flushIntervalMs`. Nothing secret is ever put in a log line (request lines carry ids,
 * routes, targets, counts), so no per-line redaction pass is paid.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = pino.destination({ dest: options.destination ?? 1, sync: false, minLength: 4096 });
  const logger = pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  if (options.level !== "silent") {
    setInterval(() => destination.flush(), options.flushIntervalMs ?? 250).unref();
  }
  return logger;
}
