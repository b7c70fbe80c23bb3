// The floor: the least a Node gateway can do. node:http in, undici Pool.stream out, bytes piped
// back untouched. No parsing, no routing, no logging. Run as its own process:
//   node bench/floor-proxy.mjs http://127.0.0.1:PORT   -> prints {"url": "..."} on stdout
import { createServer } from "node:http";
import { Pool } from "undici";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-connection",
  "te",
  "trailer",
  "host",
  "content-length",
]);

/**
 * @param {Record<string, string | string[] | undefined>} headers
 * @returns {Record<string, string | string[]>}
 */
function endToEnd(headers) {
  /** @type {Record<string, string | string[]>} */
  const result = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) result[name] = value;
  }
  return result;
}

const target = process.argv[2];
if (target === undefined) throw new Error("usage: floor-proxy.mjs <upstream origin>");
const pool = new Pool(target, { pipelining: 1, keepAliveTimeout: 30_000 });

const server = createServer((request, response) => {
  /** @type {Buffer[]} */
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    pool.stream(
      {
        path: request.url ?? "/",
        method: /** @type {import("undici").Dispatcher.HttpMethod} */ (request.method ?? "GET"),
        headers: endToEnd(request.headers),
        body: chunks.length === 0 ? null : Buffer.concat(chunks),
      },
      ({ statusCode, headers }) => {
        response.writeHead(statusCode, endToEnd(headers));
        return response;
      },
      (error) => {
        if (error === null) return;
        if (response.headersSent) response.destroy();
        else response.writeHead(502, { "content-type": "text/plain" }).end(String(error));
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  pool.destroy().finally(() => process.exit(0));
});
