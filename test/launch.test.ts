import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The launchers with stand-in agents: tiny scripts named claude / codex / gemini that print what
 * they were started with. (The real agents run in test/e2e.)
 */

const BIN = join(process.cwd(), "bin", "llmux.js");
const started: number[] = [];

afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
});

function fakeAgents(): string {
  const dir = mkdtempSync(join(tmpdir(), "llmux-fake-agents-"));
  for (const name of ["claude", "codex", "gemini"]) {
    const path = join(dir, name);
    writeFileSync(
      path,
      `#!/bin/sh\necho "agent=${name}"\nfor a in "$@"; do echo "arg=$a"; done\nenv | grep -E '^(ANTHROPIC|CLAUDE_CODE|LLMUX|GOOGLE_GEMINI|GEMINI)_' | sed 's/^/env:/'\nexit 7\n`,
    );
    chmodSync(path, 0o755);
  }
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function setup(port: number, apiKeys?: string[]) {
  const home = mkdtempSync(join(tmpdir(), "llmux-launch-"));
  const config = join(home, "llmux.json");
  writeFileSync(
    config,
    JSON.stringify({
      server: { port, ...(apiKeys === undefined ? {} : { apiKeys }) },
      providers: { demo: { kind: "demo" } },
      routes: { default: ["demo/demo"] },
    }),
  );
  mkdirSync(join(home, "data"));
  return { home, config, data: join(home, "data") };
}

function run(args: string[], path: string, home: string, extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    env: {
      PATH: path,
      HOME: home,
      LLMUX_HOME: join(home, "data"),
      ANTHROPIC_API_KEY: "users-own-key",
      ...extraEnv,
    },
    cwd: home,
    encoding: "utf8",
    timeout: 30_000,
  });
}

const lines = (text: string, prefix: string) =>
  text
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));

describe("llmux claude | codex | gemini", () => {
  const agents = fakeAgents();
  const path = `${agents}:${process.env.PATH}`;

  it("says clearly when the agent is not installed", () => {
    const { home, config } = setup(1);
    const result = run(["codex", "-c", config], "/nonexistent", home);
    expect(result.status).toBe(127);
    expect(result.stderr).toContain("Codex CLI is not installed");
    expect(result.stderr).toContain("npm install -g @openai/codex");
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("starts llmux in the background when none runs, says so, and wires Claude Code to it", async () => {
    const port = await freePort();
    const { home, config } = setup(port, ["sk-inbound"]);
    const result = run(["claude", "-c", config, "--model", "my-route", "--", "-p", "hi there"], path, home);
    const pid = Number(/pid (\d+)/.exec(result.stderr)?.[1]);
    if (Number.isInteger(pid)) started.push(pid);
    expect(result.stderr).toContain(`started llmux in the background on http://127.0.0.1:${port}`);
    expect(result.status, result.stderr).toBe(7); // the agent's own exit code
    expect(lines(result.stdout, "arg=")).toEqual(["-p", "hi there"]);
    const env = lines(result.stdout, "env:");
    expect(env).toContain(`ANTHROPIC_BASE_URL=http://127.0.0.1:${port}`);
    expect(env).toContain("ANTHROPIC_AUTH_TOKEN=sk-inbound");
    expect(env).toContain("ANTHROPIC_MODEL=my-route");
    expect(env).toContain("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1");
    expect(env.some((line) => line.startsWith("ANTHROPIC_API_KEY="))).toBe(false);
    // the background gateway answers, and a second launch reuses it
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const again = run(["gemini", "-c", config, "--", "-p", "x"], path, home);
    expect(again.stderr).not.toContain("started llmux");
    const geminiEnv = lines(again.stdout, "env:");
    expect(geminiEnv).toContain(`GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:${port}`);
    expect(geminiEnv).toContain("GEMINI_API_KEY=sk-inbound");
    const settingsPath = geminiEnv
      .find((line) => line.startsWith("GEMINI_CLI_SYSTEM_SETTINGS_PATH="))
      ?.split("=")[1];
    expect(settingsPath?.startsWith(join(home, "data"))).toBe(true);
    expect(JSON.parse(readFileSync(settingsPath!, "utf8"))).toEqual({
      security: { auth: { selectedType: "gemini-api-key" } },
    });
  });

  it("gives Codex a provider entry through -c overrides, a model it knows, and the route as a header", async () => {
    const port = await freePort();
    const { home, config } = setup(port);
    const result = run(["codex", "-c", config, "--model", "my-route", "--", "exec", "hello"], path, home);
    const pid = Number(/pid (\d+)/.exec(result.stderr)?.[1]);
    if (Number.isInteger(pid)) started.push(pid);
    const args = lines(result.stdout, "arg=");
    expect(args).toEqual([
      "-c",
      'model_providers.llmux.name="llmux"',
      "-c",
      `model_providers.llmux.base_url="http://127.0.0.1:${port}/v1"`,
      "-c",
      'model_providers.llmux.env_key="LLMUX_API_KEY"',
      "-c",
      'model_providers.llmux.wire_api="responses"',
      "-c",
      'model_providers.llmux.http_headers={ "x-llmux-model" = "my-route" }',
      "-c",
      'model_provider="llmux"',
      "-m",
      "gpt-5.5",
      "exec",
      "hello",
    ]);
    expect(lines(result.stdout, "env:")).toContain("LLMUX_API_KEY=llmux-local");
    // the user's own -m wins
    const own = run(["codex", "-c", config, "--", "-m", "o3", "exec", "x"], path, home);
    expect(lines(own.stdout, "arg=").filter((arg) => arg === "-m")).toHaveLength(1);
    expect(lines(own.stdout, "arg=")).toContain("o3");
  });

  it("refuses to start a second server over something else on the port", async () => {
    const server = createServer((socket) =>
      socket.end("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as { port: number }).port;
    try {
      const { home, config } = setup(port);
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, "claude", "-c", config], {
          env: { PATH: path, HOME: home, LLMUX_HOME: join(home, "data") },
          cwd: home,
        });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.on("close", (status: number | null) => resolve({ status, stderr }));
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("something other than llmux is listening");
    } finally {
      server.close();
    }
  });
});

describe("llmux env", () => {
  it("prints shell settings for each agent", () => {
    const { home, config } = setup(8799, ["sk-x"]);
    const claude = run(["env", "claude", "-c", config], "/usr/bin:/bin", home);
    expect(claude.status).toBe(0);
    expect(claude.stdout).toContain("export ANTHROPIC_BASE_URL=http://127.0.0.1:8799");
    expect(claude.stdout).toContain("unset ANTHROPIC_API_KEY");
    const codex = run(["env", "codex", "-c", config, "--model", "fast"], "/usr/bin:/bin", home);
    expect(codex.stdout).toContain("export LLMUX_API_KEY=sk-x");
    expect(codex.stdout).toMatch(/^alias codex='codex -c /m);
    // the alias is valid shell: running it through sh prints the same arguments
    const shell = spawnSync("sh", ["-c", `${codex.stdout}\nalias codex`], { encoding: "utf8" });
    expect(shell.stdout).toContain("x-llmux-model");
    const bad = run(["env", "cursor", "-c", config], "/usr/bin:/bin", home);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown agent");
  });
});
