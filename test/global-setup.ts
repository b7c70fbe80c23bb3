import { execFileSync } from "node:child_process";

/**
 * The CLI tests run the built gateway (bin/llmux.js -> dist/): build it once, fresh, before any
 * test. Type errors do not stop the emit (the typecheck step of `npm test` reports them), so a
 * work-in-progress error elsewhere does not block unrelated tests.
 */
export default function setup(): void {
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
}
