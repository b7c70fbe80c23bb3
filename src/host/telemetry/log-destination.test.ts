import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BatchedLogDestination } from "./log-destination.js";

const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function tempFile(): string {
  const directory = mkdtempSync(join(tmpdir(), "llmux-log-"));
  directories.push(directory);
  return join(directory, "log.jsonl");
}

describe("BatchedLogDestination", () => {
  it("holds short lines until a flush, then writes them in order (regular file)", () => {
    const path = tempFile();
    const fd = openSync(path, "w");
    const destination = new BatchedLogDestination(fd);
    destination.write('{"n":1}\n');
    destination.write('{"n":2}\n');
    expect(readFileSync(path, "utf8")).toBe("");
    destination.flush();
    expect(readFileSync(path, "utf8")).toBe('{"n":1}\n{"n":2}\n');
    closeSync(fd);
  });

  it("writes by itself once a batch is full, and everything on flushSync", () => {
    const path = tempFile();
    const fd = openSync(path, "w");
    const destination = new BatchedLogDestination(fd);
    const line = `${JSON.stringify({ text: "x".repeat(1000), unicode: "\u00e9\u4e2d\u{1f600}" })}\n`;
    for (let index = 0; index < 20; index++) destination.write(line);
    const written = readFileSync(path, "utf8");
    expect(written.length).toBeGreaterThan(0);
    expect(written.length % line.length).toBe(0);
    destination.write("last\n");
    destination.flushSync();
    expect(readFileSync(path, "utf8")).toBe(`${line.repeat(20)}last\n`);
    closeSync(fd);
  });

  it("writes to a pipe asynchronously, in order, and calls back when written", async () => {
    const reader = spawn(process.execPath, ["-e", "process.stdin.pipe(process.stdout)"], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const chunks: Buffer[] = [];
    reader.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    const fd = (reader.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    const destination = new BatchedLogDestination(fd);
    const lines = Array.from({ length: 2000 }, (_, index) => `{"line":${index}}\n`);
    for (const line of lines) destination.write(line);
    await new Promise<void>((resolve) => destination.flush(() => resolve()));
    // A flush asked for while a batch was in flight writes the rest after it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    destination.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    reader.stdin.end();
    await new Promise((resolve) => reader.on("close", resolve));
    expect(Buffer.concat(chunks).toString("utf8")).toBe(lines.join(""));
  });
});
