import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, validateConfig } from "./load.js";

function problemsOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    validateConfig(raw, "test.yaml", { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const MINIMAL = `
server:
  host: 127.0.0.1
  port: 8700
  apiKeys: [ "\${LLMUX_KEY}" ]
providers:
  up1:
    kind: openai-chat
    baseUrl: http://127.0.0.1:9001/v1
    credentials:
      - { id: k1, apiKey: sk-test }
    models: [ m1 ]
routes:
  default: [ up1/m1 ]
`;

function writeConfig(text: string, name = "llmux.yaml"): string {
  const dir = mkdtempSync(join(tmpdir(), "llmux-config-"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("loadConfig", () => {
  it("accepts the minimal documented shape and expands ${VAR}", () => {
    const config = loadConfig({ configPath: writeConfig(MINIMAL), env: { LLMUX_KEY: "secret" } });
    expect(config.server.apiKeys).toEqual(["secret"]);
    expect(config.server.port).toBe(8700);
    const provider = config.providers.get("up1");
    expect(provider?.baseUrl).toBe("http://127.0.0.1:9001/v1");
    expect(provider?.protocol).toBe("openai-chat");
    expect(provider?.models).toEqual([{ name: "m1" }]);
    expect(config.routing.routes.get("default")).toEqual([{ provider: "up1", model: "m1" }]);
  });

  it("uses ${VAR:-default} when the variable is unset, and reports unset variables by path", () => {
    expect(problemsOf({ server: { host: "${HOST:-0.0.0.0}" } })).toEqual([]);
    const config = validateConfig({ server: { host: "${HOST:-0.0.0.0}" } }, "x", { env: {} });
    expect(config.server.host).toBe("0.0.0.0");
    expect(problemsOf({ server: { apiKeys: ["${LLMUX_KEY}"] } })).toContain(
      "server.apiKeys[0]: environment variable LLMUX_KEY is not set",
    );
  });

  it("lists every problem with its path, never a stack trace", () => {
    const problems = problemsOf({
      server: { port: "eighty" },
      providers: {
        up1: { kind: "openai-chat", credentials: [{ id: "k1" }], models: ["m1"] },
        up2: { kind: "nonsense" },
      },
      routes: { default: ["up1"] },
    });
    expect(problems).toContain("providers.up1.credentials[0].apiKey: required (or tokenFile)");
    expect(problems.some((problem) => problem.startsWith("server.port:"))).toBe(true);
    expect(problems.some((problem) => problem.startsWith("providers.up2.kind:"))).toBe(true);
    expect(problems).toContain("routes.default[0]: expected a provider/model target");
  });

  it("checks references between routes and providers", () => {
    const problems = problemsOf({
      providers: { up1: { kind: "anthropic", credentials: [] } },
      routes: { default: ["nope/m1"] },
    });
    expect(problems).toContain(
      "providers.up1.credentials: at least one credential is required for kind anthropic",
    );
    expect(problems).toContain('routes.default[0]: unknown provider "nope"');
  });

  it("rejects unknown fields so typos do not pass silently, naming each on its object", () => {
    expect(problemsOf({ sever: {} })).toContain("(top level): unknown field sever");
    const problems = problemsOf({
      server: { hots: "a", prot: 1 },
      routes: { r: { tiers: [{ target: [] }] } },
    });
    expect(problems).toContain("server: unknown fields hots, prot");
    expect(problems).toContain("routes.r.tiers[0]: unknown field target");
    expect(problems).toContain("routes.r.tiers[0].targets: required");
  });

  it("says required for a missing field and names types, never the value, for a wrong one", () => {
    const problems = problemsOf({
      server: { adminKey: 123456789, port: 70000, apiKeys: [{ key: "k" }] },
      providers: {
        up1: { credentials: [{ id: "k1", apiKey: "sk-secret-value" }], proxy: "sk-secret-proxy" },
      },
    });
    expect(problems).toEqual([
      "server.port: must be at most 65535",
      "server.apiKeys[0].tenant: required",
      "server.adminKey: expected string, received number",
      "providers.up1.kind: required",
      "providers.up1.proxy: expected an http:// or https:// URL",
    ]);
    expect(problems.join("\n")).not.toMatch(/123456789|secret/);
  });

  it("refuses a list where a mapping belongs, and a mapping where a list belongs", () => {
    expect(problemsOf({ server: [] })).toEqual(["server: expected object, received array"]);
    expect(problemsOf({ providers: ["up1"] })).toEqual(["providers: expected object, received array"]);
    expect(problemsOf({ routes: { default: "up1/m1" } })).toEqual([
      "routes.default: expected array or object, received string",
    ]);
  });

  it("reports the problem inside the form a value took (route tiers, model entries, tenant keys)", () => {
    const problems = problemsOf({
      providers: { up1: { kind: "demo", models: { m1: { upstream: 5 } } } },
      routes: {
        default: { tiers: [{ mode: "random", targets: ["up1/m1", { target: "up1/m1", weight: -1 }] }] },
      },
    });
    expect(problems).toEqual([
      "providers.up1.models.m1.upstream: expected string, received number",
      'routes.default.tiers[0].mode: expected one of "priority", "round-robin", "weighted"',
      "routes.default.tiers[0].targets[1].weight: must be at least 0",
    ]);
  });

  it("fills in the defaults of sections left out or left empty", () => {
    const config = validateConfig({ router: {}, failover: { maxAttempts: 2 } }, "x", { env: {} });
    expect(config.router.sticky).toEqual({ enabled: true, idleTtlMs: 3_600_000 });
    expect(config.router.longContextThreshold).toBe(180_000);
    expect(config.failover).toMatchObject({ maxAttempts: 2, deadlineMs: 120_000, queueTimeoutMs: 30_000 });
    expect(config.server).toMatchObject({ host: "127.0.0.1", port: 8700, requestTimeoutMs: 0 });
    expect(config.quota.dailyResetUtc).toBe("00:00");
    expect(config.logging.level).toBe("info");
  });

  it("reads JSON files too, and reports unreadable YAML clearly", () => {
    const json = writeConfig(JSON.stringify({ server: { port: 9999 } }), "llmux.json");
    expect(loadConfig({ configPath: json, env: {} }).server.port).toBe(9999);
    const broken = writeConfig("server: [unclosed");
    expect(() => loadConfig({ configPath: broken, env: {} })).toThrow(/not valid YAML/);
    expect(() => loadConfig({ configPath: "/nonexistent/llmux.yaml", env: {} })).toThrow(/file not found/);
  });

  it("falls back to built-in defaults: the demo model plus providers for keys in the environment", () => {
    const cwd = mkdtempSync(join(tmpdir(), "llmux-empty-"));
    const bare = loadConfig({ cwd, env: { LLMUX_HOME: cwd } });
    expect(bare.source).toBe("built-in defaults");
    expect([...bare.providers.keys()]).toEqual(["demo"]);
    expect(bare.autoProviders).toEqual([]);

    const withKeys = loadConfig({
      cwd,
      env: { LLMUX_HOME: cwd, ANTHROPIC_API_KEY: "sk-ant", GEMINI_API_KEY: "g" },
    });
    expect(withKeys.autoProviders).toEqual(["anthropic", "gemini"]);
    expect(withKeys.providers.get("anthropic")?.baseUrl).toBe("https://api.anthropic.com");
    expect(withKeys.providers.get("anthropic")?.credentials[0]?.apiKey).toBe("sk-ant");
    expect(withKeys.routing.routes.get("default")).toEqual([{ provider: "demo", model: "demo" }]);
  });

  it("keeps state in LLMUX_HOME, or --data-dir when given", () => {
    const cwd = mkdtempSync(join(tmpdir(), "llmux-home-"));
    expect(loadConfig({ cwd, env: { LLMUX_HOME: "/tmp/llmux-x" } }).dataDir).toBe("/tmp/llmux-x");
    expect(loadConfig({ cwd, env: { LLMUX_HOME: "/tmp/llmux-x" }, dataDir: "state" }).dataDir).toBe(
      join(cwd, "state"),
    );
  });
});

describe("example configurations", () => {
  it("every file under examples/ is valid as shipped", () => {
    const dir = join(process.cwd(), "examples");
    const files = readdirSync(dir).filter((name) => name.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const path = join(dir, name);
      const variables = [...readFileSync(path, "utf8").matchAll(/\$\{([A-Z0-9_]+)/g)].map(
        (match) => match[1]!,
      );
      const env = Object.fromEntries(variables.map((variable) => [variable, `value-of-${variable}`]));
      const config = loadConfig({ configPath: path, env });
      expect(config.routes.size).toBeGreaterThan(0);
    }
  });
});
