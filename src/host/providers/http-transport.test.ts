import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmuxError } from "../../core/model/errors.js";
import { ClientGone } from "../pipeline/client-gone.js";
import { readAll } from "../pipeline/passthrough.js";
import { HttpTransport } from "./http-transport.js";

const BIG_CHUNKS = 256;
const BIG_CHUNK_BYTES = 16 * 1024;

describe("HttpTransport", () => {
  let server: Server;
  let origin: string;
  const transport = new HttpTransport({ connectMs: 1_000, firstByteMs: 2_000, idleMs: 2_000, totalMs: 0 });

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      if (request.url === "/chunks") {
        response.writeHead(200, { "content-type": "text/plain", "x-extra": "yes" });
        let index = 0;
        const next = () => {
          if (index === 5) return response.end();
          response.write(`chunk ${index++};`);
          setTimeout(next, 2);
        };
        next();
      } else if (request.url === "/big") {
        // Far more than the consumer's high-water mark, as fast as the socket takes it.
        response.writeHead(200);
        let index = 0;
        const write = () => {
          while (index < BIG_CHUNKS) {
            const chunk = Buffer.alloc(BIG_CHUNK_BYTES, index % 251);
            index++;
            if (!response.write(chunk)) return void response.once("drain", write);
          }
          response.end();
        };
        write();
      } else if (request.url === "/slow-headers") {
        setTimeout(() => response.writeHead(200).end("late"), 300);
      } else if (request.url === "/endless") {
        response.writeHead(200);
        const timer = setInterval(() => response.write("tick;"), 10);
        response.on("close", () => clearInterval(timer));
      } else {
        response.writeHead(404).end("no");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function send(path: string, options: { signal?: ClientGone; totalMs?: number } = {}) {
    return transport.send({
      protocol: "openai-chat",
      stream: true,
      url: `${origin}${path}`,
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: options.signal ?? new ClientGone(),
      timeouts: { connectMs: 1_000, firstByteMs: 2_000, idleMs: 2_000, totalMs: options.totalMs ?? 0 },
    });
  }

  async function readText(body: AsyncIterable<Buffer>): Promise<string> {
    let text = "";
    for await (const chunk of body) text += chunk.toString("utf8");
    return text;
  }

  it("gives status, parsed headers and the body chunk by chunk", async () => {
    const response = await send("/chunks");
    expect(response.status).toBe(200);
    expect(response.headers["x-extra"]).toBe("yes");
    expect(await readText(response.body)).toBe("chunk 0;chunk 1;chunk 2;chunk 3;chunk 4;");
    const missing = await send("/missing");
    expect(missing.status).toBe(404);
    expect(await readText(missing.body)).toBe("no");
  });

  it("holds back a fast upstream for a slow consumer and loses no byte", async () => {
    const response = await send("/big");
    let bytes = 0;
    let index = 0;
    let intact = true;
    for await (const chunk of response.body) {
      for (const byte of chunk) {
        if (byte !== Math.floor(index / BIG_CHUNK_BYTES) % 251) intact = false;
        index++;
      }
      bytes += chunk.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(intact).toBe(true);
    expect(bytes).toBe(BIG_CHUNKS * BIG_CHUNK_BYTES);
  });

  it("hands over a whole body at once: all of it, within a limit, or a clear failure", async () => {
    const chunked = await send("/chunks");
    // Asked for while the chunks are still arriving.
    expect((await readAll(chunked.body, 1024)).toString()).toBe("chunk 0;chunk 1;chunk 2;chunk 3;chunk 4;");
    const big = await send("/big");
    // Asked for after the upstream was held back at the high-water mark: resumed, nothing lost.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const whole = await readAll(big.body, BIG_CHUNKS * BIG_CHUNK_BYTES);
    expect(whole.length).toBe(BIG_CHUNKS * BIG_CHUNK_BYTES);
    expect(whole[whole.length - 1]).toBe((BIG_CHUNKS - 1) % 251);
    const tooBig = await send("/big");
    await expect(readAll(tooBig.body, 100_000)).rejects.toThrow(/exceeds 100000 bytes/);
    const endless = await send("/endless", { totalMs: 150 });
    await expect(readAll(endless.body, 1_000_000)).rejects.toThrow(/exceeded the total timeout/);
    // The connection pool is still usable after each.
    expect(await readText((await send("/chunks")).body)).toContain("chunk 4;");
  });

  it("frees the connection when the consumer stops early", async () => {
    const response = await send("/endless");
    for await (const chunk of response.body) {
      expect(chunk.toString()).toContain("tick;");
      break;
    }
    expect(await readText((await send("/chunks")).body)).toContain("chunk 4;");
  });

  it("the total timeout ends a call before its headers and in its body", async () => {
    await expect(send("/slow-headers", { totalMs: 100 })).rejects.toThrow(/exceeded the total timeout/);
    const response = await send("/endless", { totalMs: 150 });
    const error = await readText(response.body).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmuxError);
    expect((error as LlmuxError).code).toBe("timeout");
  });

  it("a client that goes away ends the call, before or after the headers", async () => {
    const early = new ClientGone();
    const pending = send("/slow-headers", { signal: early });
    early.abort();
    await expect(pending).rejects.toBeInstanceOf(LlmuxError);

    const gone = new ClientGone();
    gone.abort();
    await expect(send("/chunks", { signal: gone })).rejects.toBeInstanceOf(LlmuxError);

    const late = new ClientGone();
    const response = await send("/endless", { signal: late });
    setTimeout(() => late.abort(), 30);
    await expect(readText(response.body)).rejects.toBeInstanceOf(LlmuxError);
  });
});

describe("ClientGone", () => {
  it("tells its listeners once, and late listeners never", () => {
    const gone = new ClientGone();
    const heard: string[] = [];
    const removed = () => heard.push("removed");
    gone.addEventListener("abort", () => heard.push("first"));
    gone.addEventListener("abort", removed);
    gone.removeEventListener("abort", removed);
    expect(gone.aborted).toBe(false);
    gone.abort();
    gone.abort();
    gone.addEventListener("abort", () => heard.push("late"));
    expect(gone.aborted).toBe(true);
    expect(heard).toEqual(["first"]);
  });
});
