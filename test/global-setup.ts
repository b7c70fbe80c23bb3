import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { installAgents } from "./e2e/support/install.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Why the end-to-end agents cannot run ("" when they are installed). */
    agentsUnavailable: string;
  }
}

/**
 * The CLI tests run the built gateway (bin/llmux.js -> dist/): build it once, fresh, before any
 * test. Type errors do not stop the emit (the typecheck step of `npm test` reports them), so a
 * work-in-progress error elsewhere does not block unrelated tests.
 */
export default function setup(project: TestProject): void {
  try {
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
      stdio: "pipe",
    });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    process.stderr.write(
      `global setup: the build reported errors (dist/ may be stale):\n${output.slice(0, 2000)}\n`,
    );
  }
  // The real coding agents for test/e2e: pinned, installed on first run (a few hundred MB from npm).
  const reason = installAgents();
  if (reason !== undefined && process.env.CI === "true") throw new Error(reason);
  project.provide("agentsUnavailable", reason ?? "");
}
