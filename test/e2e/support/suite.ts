import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Protocol } from "../../../src/core/model/protocol.js";
import type { RunningGateway } from "../../../src/host/control/kernel.js";
import { AGENTS, type AgentId } from "../../../src/host/launch/agents.js";
import { readDemoRequest } from "../../../src/mock/demo-request.js";
import { type MockUpstream, startMockUpstream } from "../../../src/mock/server.js";
import { mockProvidersConfig, startTestGateway } from "../../support/gateway.js";
import {
  agentBrain,
  FILE_CONTENT,
  FILE_NAME,
  FILE_TASK,
  FINAL_ANSWER,
  PLAIN_ANSWER,
  REASONING_ENCRYPTED,
  REASONING_SIGNATURE,
} from "./brain.js";
import { makeSandbox, runLauncher, type Sandbox, writeLauncherConfig } from "./run-launcher.js";

/** One upstream provider per protocol on the mock, and a route to each. */
const UPSTREAMS: { protocol: Protocol; route: string; target: string }[] = [
  { protocol: "openai-chat", route: "to-chat", target: "chat/chat-model" },
  { protocol: "openai-responses", route: "to-responses", target: "responses/responses-model" },
  { protocol: "anthropic", route: "to-anthropic", target: "claude/claude-model" },
  { protocol: "gemini", route: "to-gemini", target: "gem/gemini-model" },
];

export const INBOUND_KEY = "sk-llmux-e2e";

export interface AgentCase {
  /** The agent's own arguments for a headless run of `prompt`. */
  args(prompt: string, sandbox: Sandbox): string[];
  /** Extra llmux launcher options for a route (e.g. Claude Code's small model). */
  launcherOptions?(route: string): string[];
  env?: Record<string, string>;
}

/** Where the reasoning the mock issued must reappear in the next upstream request, per protocol. */
function reasoningToken(protocol: Protocol): string | undefined {
  switch (protocol) {
    case "anthropic":
    case "gemini":
      return REASONING_SIGNATURE;
    case "openai-responses":
      return REASONING_ENCRYPTED;
    case "openai-chat":
      return undefined;
  }
}

function describeRun(result: { code: number | null; stdout: string; stderr: string }): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`;
}

/** The end-to-end suite for one agent: every upstream protocol, a plain question and a tool task. */
export function agentSuite(agent: AgentId, agentCase: AgentCase): void {
  const unavailable = inject("agentsUnavailable");
  if (unavailable !== "") {
    process.stderr.write(
      `e2e: skipping ${AGENTS[agent].title}: the pinned agents could not be installed (${unavailable.split("\n")[0]})\n`,
    );
  }
  describe.skipIf(unavailable !== "")(
    `${AGENTS[agent].title} through llmux (real CLI)`,
    { timeout: 120_000 },
    () => {
      let mock: MockUpstream;
      let gateway: RunningGateway;
      let sandbox: Sandbox;
      let configPath: string;

      beforeAll(async () => {
        sandbox = makeSandbox(agent);
        mock = await startMockUpstream();
        mock.setDefault(agentBrain(sandbox.work));
        const routes: Record<string, string[]> = { default: ["chat/chat-model"] };
        for (const upstream of UPSTREAMS) routes[upstream.route] = [upstream.target];
        const config = mockProvidersConfig(mock.url, {
          server: { apiKeys: [INBOUND_KEY] },
          routes,
        }) as Record<string, unknown>;
        gateway = await startTestGateway(config);
        configPath = writeLauncherConfig(sandbox, {
          ...config,
          server: { port: Number(new URL(gateway.url).port), apiKeys: [INBOUND_KEY] },
        });
      });

      afterAll(async () => {
        await gateway?.stop();
        await mock?.close();
        sandbox?.remove();
      });

      const launch = (route: string, prompt: string) =>
        runLauncher(
          agent,
          ["--no-start", "-c", configPath, "--model", route, ...(agentCase.launcherOptions?.(route) ?? [])],
          agentCase.args(prompt, sandbox),
          { sandbox, ...(agentCase.env === undefined ? {} : { env: agentCase.env }) },
        );

      for (const upstream of UPSTREAMS) {
        describe(`upstream ${upstream.protocol}`, () => {
          it("answers a plain question with the model's text", async () => {
            const before = mock.requests.length;
            const result = await launch(upstream.route, "Which gateway is this?");
            expect(result.code, describeRun(result)).toBe(0);
            expect(result.stdout, describeRun(result)).toContain(PLAIN_ANSWER);
            const served = mock.requests
              .slice(before)
              .filter((request) => request.protocol === upstream.protocol);
            expect(served.length, "the question reached the chosen upstream").toBeGreaterThan(0);
          });

          it("runs a two-step tool task and carries the reasoning across the tool turn", async () => {
            const before = mock.requests.length;
            const file = join(sandbox.work, FILE_NAME);
            rmSync(file, { force: true });
            const prompt = `Please ${FILE_TASK} ${FILE_NAME} containing "${FILE_CONTENT}".`;
            const result = await launch(upstream.route, prompt);
            expect(result.code, describeRun(result)).toBe(0);
            expect(existsSync(file), `${file} exists\n${describeRun(result)}`).toBe(true);
            expect(readFileSync(file, "utf8").trim()).toBe(FILE_CONTENT);
            expect(result.stdout, describeRun(result)).toContain(FINAL_ANSWER);
            const followUp = mock.requests
              .slice(before)
              .find(
                (request) =>
                  request.protocol === upstream.protocol &&
                  readDemoRequest(upstream.protocol, request.body).toolResult !== undefined,
              );
            expect(followUp, "the tool result went back to the chosen upstream").toBeDefined();
            const token = reasoningToken(upstream.protocol);
            if (token !== undefined) expect(followUp?.rawBody, "the reasoning came back").toContain(token);
          });
        });
      }
    },
  );
}
