// The mock upstream in its own process, recording nothing. The script follows the model name
// (scenarios.mjs `scriptForModel`), so the gateway needs no test headers.
//   node bench/mock-process.mjs   -> prints {"url": "..."} on stdout
import { startMockUpstream } from "../dist/mock/server.js";
import { scriptForModel } from "./scenarios.mjs";

const GEMINI_MODEL = /\/models\/([^/:]+):/;

const mock = await startMockUpstream({ recordRequests: false });
/** @type {Map<string, import("../src/mock/script.js").MockScript>} */
const scripts = new Map();
mock.setDefault((/** @type {import("../src/mock/server.js").MockRequestRecord} */ request) => {
  const body = /** @type {{ model?: unknown } | undefined} */ (request.body);
  const model =
    typeof body?.model === "string" ? body.model : (GEMINI_MODEL.exec(request.path)?.[1] ?? "small");
  let script = scripts.get(model);
  if (script === undefined) {
    script = scriptForModel(model);
    scripts.set(model, script);
  }
  return script;
});
process.stdout.write(`${JSON.stringify({ url: mock.url })}\n`);
process.on("SIGTERM", () => {
  mock.close().finally(() => process.exit(0));
});
