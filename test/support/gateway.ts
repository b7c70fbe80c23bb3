import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateConfig } from "../../src/host/config/load.js";
import { type RunningGateway, startGateway } from "../../src/host/control/kernel.js";
import { createLogger } from "../../src/host/telemetry/logger.js";

/** Start llmux on an ephemeral port with a config given as data, logging nothing. */
export async function startTestGateway(
  raw: unknown,
  env: NodeJS.ProcessEnv = {},
  dataDir = mkdtempSync(join(tmpdir(), "llmux-test-")),
): Promise<RunningGateway> {
  const config = validateConfig(raw, "test config", { env, dataDir });
  return startGateway(config, { port: 0, logger: createLogger({ level: "silent" }) });
}

/** A config with one provider per protocol, all pointing at the mock upstream. */
export function mockProvidersConfig(mockUrl: string, extra: Record<string, unknown> = {}) {
  return {
    providers: {
      chat: {
        kind: "openai-chat",
        baseUrl: `${mockUrl}/v1`,
        credentials: [{ id: "c1", apiKey: "sk-chat" }],
        models: { "chat-model": { upstream: "upstream-chat" } },
      },
      responses: {
        kind: "openai-responses",
        baseUrl: `${mockUrl}/v1`,
        credentials: [{ id: "r1", apiKey: "sk-resp" }],
        models: { "responses-model": { upstream: "upstream-responses" } },
      },
      claude: {
        kind: "anthropic",
        baseUrl: mockUrl,
        credentials: [{ id: "a1", apiKey: "sk-ant" }],
        models: { "claude-model": { upstream: "upstream-claude" } },
      },
      gem: {
        kind: "gemini",
        baseUrl: mockUrl,
        credentials: [{ id: "g1", apiKey: "g-key" }],
        models: { "gemini-model": { upstream: "upstream-gemini" } },
      },
    },
    routes: { default: ["chat/chat-model"] },
    ...extra,
  };
}

/** Read an SSE response body into its `data:` payloads. */
export function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n"),
    )
    .filter((data) => data !== "");
}

/** Forget every cooldown and error count, so one test's failures do not steer the next. */
export function resetHealth(gateway: RunningGateway): void {
  for (const record of gateway.app.health.all()) gateway.app.health.reset(record.key);
}
