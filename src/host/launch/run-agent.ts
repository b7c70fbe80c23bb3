import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname } from "node:path";
import type { AgentSettings } from "./agents.js";

/** The environment an agent runs with: the user's, less what would send its traffic elsewhere, plus llmux's. */
export function agentEnvironment(base: NodeJS.ProcessEnv, settings: AgentSettings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of settings.unset) delete env[name];
  return { ...env, ...settings.env };
}

/** Write the files an agent reads (settings), private to the user. */
export function writeAgentFiles(settings: AgentSettings): void {
  for (const [path, content] of Object.entries(settings.files)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, content, { mode: 0o600 });
  }
}

/** Passed on to the agent. SIGINT is not: a terminal's Ctrl-C reaches the agent itself (same process group). */
const FORWARDED: NodeJS.Signals[] = ["SIGTERM", "SIGHUP"];

/**
 * Run the agent in the foreground with the terminal, and resolve with its exit code (128 + n for
 * a signal, as a shell reports it). Signals sent to llmux are passed on; the agent decides.
 */
export function runAgent(path: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    const ignore = () => {};
    for (const signal of FORWARDED) process.on(signal, forward);
    process.on("SIGINT", ignore);
    const done = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
      process.off("SIGINT", ignore);
    };
    child.once("error", (error) => {
      done();
      reject(error);
    });
    child.once("exit", (code, signal) => {
      done();
      if (code !== null) resolve(code);
      else resolve(128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
    });
  });
}
