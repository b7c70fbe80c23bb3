import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestGateway } from "./support/gateway.js";

/** A provider whose credential is a token file: on a 401 llmux refreshes once and retries that credential. */

let upstream: Server;
let tokenServer: Server;
let upstreamUrl: string;
let tokenUrl: string;
let refreshes = 0;
const seenTokens: string[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  upstream = createServer((request, response) => {
    request.resume();
    const token = (request.headers.authorization ?? "").replace("Bearer ", "");
    seenTokens.push(token);
    if (token !== "fresh-token") {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "invalid token", type: "authentication_error" } }));
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: "c1",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [{ index: 0, message: { role: "assistant", content: "authorized" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
  });
  tokenServer = createServer((request, response) => {
    request.resume();
    refreshes++;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        access_token: "fresh-token",
        refresh_token: "rt-2",
        expires_in: 3600,
        token_type: "Bearer",
      }),
    );
  });
  upstreamUrl = await listen(upstream);
  tokenUrl = await listen(tokenServer);
});

afterAll(async () => {
  upstream.closeAllConnections();
  tokenServer.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  await new Promise((resolve) => tokenServer.close(resolve));
});

it("refreshes the token after a 401, retries once, and rewrites the file atomically with mode 0600", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llmux-token-"));
  const file = join(dir, "token.json");
  writeFileSync(
    file,
    JSON.stringify({
      access_token: "stale-token",
      refresh_token: "rt-1",
      expires_at: Date.now() + 3_600_000,
    }),
    {
      mode: 0o644,
    },
  );
  const gateway = await startTestGateway({
    providers: {
      oauth: {
        kind: "openai-chat",
        baseUrl: `${upstreamUrl}/v1`,
        oauth: { tokenEndpoint: `${tokenUrl}/token`, clientId: "llmux-test" },
        credentials: [{ id: "account", tokenFile: file }],
        models: ["m"],
      },
    },
    routes: { default: ["oauth/m"] },
  });
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
  });
  expect(response.status).toBe(200);
  expect(
    ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
  ).toBe("authorized");
  expect(seenTokens).toEqual(["stale-token", "fresh-token"]);
  expect(refreshes).toBe(1);
  const saved = JSON.parse(readFileSync(file, "utf8")) as { access_token: string; refresh_token: string };
  expect(saved).toMatchObject({ access_token: "fresh-token", refresh_token: "rt-2" });
  expect(statSync(file).mode & 0o777).toBe(0o600);
  await gateway.stop(500);
});
