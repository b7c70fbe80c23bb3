import { type Logger, pino } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  /** Write to this file descriptor (default: stdout). */
  destination?: number;
}

/**
 * Structured JSON logs. Writes are asynchronous (pino's sonic-boom) so logging never blocks
 * the request path; secrets are redacted by path as a second line of defence.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ["apiKey", "*.apiKey", "headers.authorization", "headers.x-api-key", "headers.x-goog-api-key"],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: options.destination ?? 1, sync: false }),
  );
}
