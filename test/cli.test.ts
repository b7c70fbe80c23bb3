import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sseData } from "./support/gateway.js";

const BIN = join(process.cwd(), "bin", "llmux.js");

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LLMUX_HOME: mkdtempSync(join(tmpdir(), "llmux-home-")),
    ...extra,
  };
  return env;
}

function run(args: string[], env = cleanEnv(), cwd = mkdtempSync(join(tmpdir(), "llmux-cwd-"))) {
  return spawnSync(process.execPath, [BIN, ...args], { env, cwd, encoding: "utf8", timeout: 15_000 });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Start `llmux start --port 0` and wait for its banner. */
async function startCli(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string; banner: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, "start", "--port", "0"], {
    env,
    cwd: mkdtempSync(join(tmpdir(), "llmux-cwd-")),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let banner = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${banner}`)), 10_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      banner += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(banner);
      if (match !== null && banner.includes("Gemini")) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stdout!.resume();
  });
  return { child, url, banner, exited };
}

describe("llmux CLI", () => {
  it("prints its version and help", () => {
    expect(run(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = run(["--help"]);
    expect(help.stdout).toContain("start");
    expect(help.stdout).toContain("check");
  });

  it("check: lists every problem of a bad file with its path and exits non-zero, without a stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "llmux-bad-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      "providers:\n  up1:\n    kind: openai-chat\n    credentials:\n      - { id: k1 }\nroutes:\n  default: [ up2/m ]\n",
    );
    const result = run(["check", "--config", file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("providers.up1.credentials[0].apiKey: required");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("check: prints the resolved providers and routes of a good file", () => {
    const dir = mkdtempSync(join(tmpdir(), "llmux-good-"));
    writeFileSync(
      join(dir, "llmux.yaml"),
      'providers:\n  up1:\n    kind: anthropic\n    credentials: [ { id: k1, apiKey: "${KEY:-sk}" } ]\n    models: { fast: { upstream: claude-haiku } }\nroutes:\n  default: [ up1/fast ]\n',
    );
    const result = run(["check"], cleanEnv(), dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("up1: anthropic https://api.anthropic.com");
    expect(result.stdout).toContain("fast -> claude-haiku");
    expect(result.stdout).toContain("default -> up1/fast");
    expect(result.stdout).not.toContain("sk\n");
  });

  it("start: serves the demo model on all four protocols with no config, and says which keys it found", async () => {
    const { url, banner, child, exited } = await startCli(cleanEnv({ ANTHROPIC_API_KEY: "sk-ant-test" }));
    expect(banner).toContain("configured from environment keys: anthropic (claude-*)");
    expect(banner).toContain("curl -sN");

    const chat = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "Hello demo" }] }),
    });
    expect(chat.status).toBe(200);
    const completion = (await chat.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(completion.model).toBe("demo");
    expect(completion.choices[0]!.message.content).toContain("Hello demo");

    const messages = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "anything",
        max_tokens: 50,
        stream: true,
        messages: [{ role: "user", content: "Stream please" }],
      }),
    });
    const events = sseData(await messages.text()).map((data) => JSON.parse(data) as { type: string });
    expect(events[0]!.type).toBe("message_start");
    expect(events.at(-1)!.type).toBe("message_stop");
    expect(events.filter((event) => event.type === "content_block_delta").length).toBeGreaterThan(1);

    const responses = await fetch(`${url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "demo", input: "Hi responses" }),
    });
    expect(((await responses.json()) as { status: string }).status).toBe("completed");

    const gemini = await fetch(`${url}/v1beta/models/demo:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Hi gemini" }] }] }),
    });
    const chunks = sseData(await gemini.text()).map(
      (data) => JSON.parse(data) as { candidates: { finishReason?: string }[] },
    );
    expect(chunks.at(-1)!.candidates[0]!.finishReason).toBe("STOP");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("start: on SIGTERM finishes the in-flight stream, then exits 0", async () => {
    const { url, child, exited } = await startCli(cleanEnv());
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "demo",
        stream: true,
        messages: [{ role: "user", content: "a long enough prompt to stream" }],
      }),
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    child.kill("SIGTERM");
    let text = Buffer.from(first.value!).toString();
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      text += Buffer.from(next.value).toString();
    }
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await exited).toBe(0);
  });
});
