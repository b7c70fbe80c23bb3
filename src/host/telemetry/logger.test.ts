import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, logLine } from "./logger.js";

let directory: string | undefined;

afterEach(() => {
  vi.restoreAllMocks();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

describe("logLine", () => {
  it("writes exactly what pino writes for the same record", () => {
    directory = mkdtempSync(join(tmpdir(), "llmux-logger-"));
    const path = join(directory, "log.jsonl");
    const logger = createLogger({ level: "info", destination: openSync(path, "w") });
    vi.spyOn(Date, "now").mockReturnValue(1_700_000_000_000);
    const record = {
      reqId: "r1",
      path: "/v1/messages",
      tenant: undefined,
      model: 'quote " slash \\ newline \n \u00e9 \u{1f600}',
      stream: false,
      usage: { inputTokens: 1, outputTokens: 2 },
      latencyMs: Number.NaN,
      error: "x".repeat(60),
    };
    logLine(logger, "info", `,${JSON.stringify(record).slice(1, -1)}`, "request");
    logger.info(record, "request");
    logLine(logger, "warn", "", "request");
    logger.warn({}, "request");
    logger.flush();
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(lines[1]);
    expect(lines[2]).toBe(lines[3]);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: "info",
      time: "2023-11-14T22:13:20.000Z",
      msg: "request",
    });
  });

  it("gives a logger it did not make the same record, through pino", () => {
    const lines: string[] = [];
    const logger = pino({ base: null, timestamp: false }, { write: (line: string) => lines.push(line) });
    logLine(logger, "warn", ',"reqId":"r1","usage":{"inputTokens":3}', "request");
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 40,
      reqId: "r1",
      usage: { inputTokens: 3 },
      msg: "request",
    });
  });

  it("respects the level", () => {
    directory = mkdtempSync(join(tmpdir(), "llmux-logger-"));
    const path = join(directory, "log.jsonl");
    const logger = createLogger({ level: "warn", destination: openSync(path, "w") });
    logLine(logger, "info", ',"a":1', "dropped");
    logLine(logger, "warn", ',"a":2', "kept");
    logger.flush();
    expect(
      readFileSync(path, "utf8")
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line).msg),
    ).toEqual(["kept"]);
  });
});
