import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResolvedConfig } from "../config/resolved.js";

/** Finding the gateway a launcher talks to, and starting it in the background when none runs. */

/** The URL a local client uses for the configured listener (a wildcard address means this machine). */
export function gatewayUrl(config: ResolvedConfig): string {
  const { host, port } = config.server;
  const local = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${local.includes(":") ? `[${local}]` : local}:${port}`;
}

/** The key a launched agent presents: $LLMUX_API_KEY, else the first configured inbound key, else any. */
export function launchKey(config: ResolvedConfig, env: NodeJS.ProcessEnv): string {
  if (env.LLMUX_API_KEY !== undefined && env.LLMUX_API_KEY !== "") return env.LLMUX_API_KEY;
  const first = config.server.apiKeys?.[0];
  if (first === undefined) return "llmux-local";
  return typeof first === "string" ? first : first.key;
}

export type Probe =
  | { state: "llmux"; version: string }
  | { state: "down" }
  | { state: "other"; detail: string };

/** Is llmux answering at `url`? Something else on the port is told apart from nothing at all. */
export async function probeGateway(url: string, timeoutMs = 1500): Promise<Probe> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (
      response.ok &&
      typeof body === "object" &&
      body !== null &&
      (body as { status?: unknown }).status === "ok" &&
      typeof (body as { version?: unknown }).version === "string"
    ) {
      return { state: "llmux", version: (body as { version: string }).version };
    }
    return { state: "other", detail: `GET /health answered ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === "ECONNREFUSED" || cause?.code === "ENOTFOUND") return { state: "down" };
    if ((error as Error).name === "TimeoutError")
      return { state: "other", detail: "no answer to GET /health" };
    return { state: "down" };
  }
}

export interface BackgroundStart {
  pid: number;
  log: string;
}

export interface EnsureOptions {
  /** The llmux entry script (bin/llmux.js) to start. */
  entry: string;
  /** Arguments for `llmux start` (config, data dir). */
  startArgs: string[];
  env: NodeJS.ProcessEnv;
  /** How long to wait for the new gateway's /health. Default 15 s. */
  readyTimeoutMs?: number;
}

export type EnsureResult =
  | { ok: true; url: string; started?: BackgroundStart; version: string }
  | { ok: false; message: string };

/** Use the gateway at the configured address, or start one in the background (detached, logging to a file). */
export async function ensureGateway(config: ResolvedConfig, options: EnsureOptions): Promise<EnsureResult> {
  const url = gatewayUrl(config);
  const first = await probeGateway(url);
  if (first.state === "llmux") return { ok: true, url, version: first.version };
  if (first.state === "other") {
    return {
      ok: false,
      message: `something other than llmux is listening on ${url} (${first.detail}); set server.port or --port`,
    };
  }
  if (config.server.port === 0) {
    return { ok: false, message: "server.port is 0 (a random port): a launched agent needs a fixed port" };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const log = join(config.dataDir, "llmux.log");
  const fd = openSync(log, "a");
  const child = spawn(process.execPath, [options.entry, "start", ...options.startArgs], {
    detached: true,
    stdio: ["ignore", fd, fd],
    env: options.env,
  });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once("exit", (code) => {
    exited = code;
  });
  child.unref();
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      return { ok: false, message: `llmux exited with code ${exited} while starting; see ${log}` };
    }
    const probe = await probeGateway(url, 500);
    if (probe.state === "llmux") {
      return { ok: true, url, version: probe.version, started: { pid: child.pid ?? 0, log } };
    }
    await sleep(100);
  }
  return {
    ok: false,
    message: `llmux did not answer on ${url} within ${options.readyTimeoutMs ?? 15_000} ms; see ${log}`,
  };
}
