import { type Logger, pino } from "pino";
import { BatchedLogDestination } from "./log-destination.js";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  /** Write to this file descriptor (default: stdout). */
  destination?: number;
  /** Longest a line may wait in the write buffer (default 250 ms). */
  flushIntervalMs?: number;
}

/** The destination of each logger made here, for `logLine`'s direct path. */
const destinations = new WeakMap<Logger, BatchedLogDestination>();

let timestampMs = -1;
let timestampText = "";

/** pino's ISO time field, formatted once per millisecond (a busy gateway logs many lines in one). */
function isoTime(): string {
  const now = Date.now();
  if (now !== timestampMs) {
    timestampMs = now;
    timestampText = `,"time":"${new Date(now).toISOString()}"`;
  }
  return timestampText;
}

/**
 * Structured JSON logs, off the request path: lines are collected and written in batches
 * (`BatchedLogDestination`), and a timer flushes them so a quiet gateway's lines still appear
 * within `flushIntervalMs`. Nothing secret is ever put in a log line (request lines carry ids,
 * routes, targets, counts), so no per-line redaction pass is paid.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = new BatchedLogDestination(options.destination ?? 1);
  const logger = pino(
    {
      level: options.level,
      base: null,
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  if (options.level !== "silent") {
    setInterval(() => destination.flush(), options.flushIntervalMs ?? 250).unref();
  }
  destinations.set(logger, destination);
  return logger;
}

/**
 * `logger[level](fields, message)` for a record already written as JSON members (`,"a":1,"b":"x"`,
 * each with its leading comma: the request line), with the same output as pino's: the line is
 * assembled around them, not re-serialized. Loggers not made by `createLogger` (tests inject
 * their own) get the members parsed back into an object.
 */
export function logLine(logger: Logger, level: "info" | "warn", members: string, message: string): void {
  const destination = destinations.get(logger);
  if (destination === undefined) {
    logger[level](JSON.parse(`{${members.slice(1)}}`) as object, message);
    return;
  }
  if (!logger.isLevelEnabled(level)) return;
  destination.write(`{"level":"${level}"${isoTime()}${members},"msg":${JSON.stringify(message)}}\n`);
}
