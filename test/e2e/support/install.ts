import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The pinned agents (test/e2e/agents/package-lock.json), installed once with `npm ci` when missing or stale. */

export const AGENTS_DIR = resolve(import.meta.dirname, "..", "agents");
export const AGENTS_BIN = join(AGENTS_DIR, "node_modules", ".bin");
const STAMP = join(AGENTS_DIR, "node_modules", ".llmux-lock-sha256");

function lockHash(): string {
  return createHash("sha256")
    .update(readFileSync(join(AGENTS_DIR, "package-lock.json")))
    .digest("hex");
}

/** Install the agents if needed; returns undefined when ready, or why they are not. */
export function installAgents(): string | undefined {
  const wanted = lockHash();
  const ready = ["claude", "codex", "gemini"].every((bin) => existsSync(join(AGENTS_BIN, bin)));
  if (ready && existsSync(STAMP) && readFileSync(STAMP, "utf8") === wanted) return undefined;
  try {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: AGENTS_DIR,
      stdio: "pipe",
      timeout: 600_000,
    });
    writeFileSync(STAMP, wanted);
    return undefined;
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    return `npm ci in ${AGENTS_DIR} failed: ${output.slice(0, 1500)}`;
  }
}
