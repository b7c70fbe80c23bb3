import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { startTestGateway } from "./support/gateway.js";

/** Credentials reach their upstream through their own (or their group's) HTTP proxy. */

let mock: MockUpstream;
let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];

beforeAll(async () => {
  mock = await startMockUpstream();
  proxy = createServer((_request, response) => {
    response.writeHead(405).end();
  });
  proxy.on("connect", (request, socket, head) => {
    tunnels.push(request.url ?? "");
    const [host, port] = (request.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await mock.close();
});

it("sends a grouped credential's traffic through the group's proxy, and a plain one directly", async () => {
  const gateway = await startTestGateway({
    providers: {
      viaProxy: {
        kind: "openai-chat",
        baseUrl: `${mock.url}/v1`,
        credentials: [{ id: "office", apiKey: "k1", group: "office" }],
        models: ["proxied"],
      },
      direct: {
        kind: "openai-chat",
        baseUrl: `${mock.url}/v1`,
        credentials: [{ id: "home", apiKey: "k2" }],
        models: ["direct"],
      },
    },
    groups: { office: { proxy: proxyUrl } },
    routes: { default: ["direct/direct"] },
  });
  mock.setDefault({ steps: [{ type: "text", text: "through" }] });
  const ask = async (model: string) => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message
      .content;
  };
  expect(await ask("proxied")).toBe("through");
  expect(tunnels).toEqual([new URL(mock.url).host]);
  expect(await ask("direct")).toBe("through");
  expect(tunnels).toHaveLength(1);
  expect(mock.requests.map((request) => request.headers.authorization)).toEqual(["Bearer k1", "Bearer k2"]);
  await gateway.stop(500);
});
