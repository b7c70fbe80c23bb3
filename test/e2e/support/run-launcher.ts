import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import type { AgentId } from "../../../src/host/launch/agents.js";
import { AGENTS_BIN } from "./install.js";

const ENTRY = resolve(import.meta.dirname, "..", "..", "..", "bin", "llmux.js");

export interface Sandbox {
  /** The agent's HOME (its settings, sessions, caches). */
  home: string;
  /** The agent's working directory. */
  work: string;
  remove(): void;
}

/**
 * A private HOME and work directory. Under the user's cache directory, not /tmp: Gemini CLI
 * refuses settings files below a world-writable directory.
 */
export function makeSandbox(label: string): Sandbox {
  const root = join(homedir(), ".cache", "llmux-e2e");
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const base = mkdtempSync(join(root, `${label}-`));
  const home = join(base, "home");
  const work = join(base, "work");
  mkdirSync(home, { recursive: true });
  mkdirSync(work, { recursive: true });
  return { home, work, remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** The variables an agent may inherit from the machine that would send it elsewhere or change its mind. */
const SCRUBBED =
  /^(ANTHROPIC_|CLAUDE_|OPENAI_|CODEX_|GEMINI_|GOOGLE_|LLMUX_|HTTPS?_PROXY|NO_PROXY|ALL_PROXY)/i;

export function agentEnv(sandbox: Sandbox, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!SCRUBBED.test(name)) env[name] = value;
  return {
    ...env,
    HOME: sandbox.home,
    XDG_CONFIG_HOME: join(sandbox.home, ".config"),
    XDG_CACHE_HOME: join(sandbox.home, ".cache"),
    XDG_DATA_HOME: join(sandbox.home, ".local", "share"),
    LLMUX_HOME: join(sandbox.home, ".llmux"),
    PATH: `${AGENTS_BIN}${delimiter}${process.env.PATH ?? ""}`,
    NO_COLOR: "1",
    TERM: "dumb",
    ...extra,
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `llmux <agent> [llmux options] -- <agent args>`, with no terminal and a time limit. */
export function runLauncher(
  agent: AgentId | "env",
  llmuxArgs: readonly string[],
  agentArgs: readonly string[],
  options: { sandbox: Sandbox; env?: Record<string, string>; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [ENTRY, agent, ...llmuxArgs, "--", ...agentArgs], {
      cwd: options.sandbox.work,
      env: agentEnv(options.sandbox, options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => {
      stderr += `\n[e2e] killed after ${options.timeoutMs ?? 90_000} ms`;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A config file for the launcher: the running test gateway's port, routes per upstream protocol. */
export function writeLauncherConfig(sandbox: Sandbox, config: unknown): string {
  const path = join(sandbox.home, "llmux.json");
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
