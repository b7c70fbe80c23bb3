import { execFileSync } from "node:child_process";

/** The CLI tests run the built gateway (bin/llmux.js -> dist/): build it once, fresh, before any test. */
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
