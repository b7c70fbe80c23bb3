import { LlmuxError } from "../../core/model/errors.js";
import type { InboundRequestInfo } from "../../core/protocols/adapter.js";
import { ADAPTERS } from "../../core/protocols/registry.js";
import { resolveModel } from "../../core/routing/resolve-model.js";
import type { App } from "../control/app.js";
import type { RequestContext } from "./context.js";
import { runWithFailover } from "./failover.js";
import { parseClientBody } from "./generate.js";
import { attemptPassthrough } from "./passthrough.js";

/**
 * Anthropic count_tokens and Gemini countTokens: forwarded to the resolved target when it
 * speaks the client's protocol (the demo model counts for itself).
 */
export async function handleCountTokens(
  app: App,
  context: RequestContext,
  raw: Buffer,
  info: InboundRequestInfo,
): Promise<void> {
  const body = parseClientBody(raw);
  const clientModel = info.model ?? (typeof body.model === "string" ? body.model : undefined);
  if (clientModel === undefined || clientModel === "") {
    throw new LlmuxError("invalid_request", "model: required", { param: "model" });
  }
  context.log.model = clientModel;
  const resolution = resolveModel(app.config.routing, clientModel, context.protocol);
  context.log.route = resolution.route;
  const targets = resolution.targets.filter(
    (target) => app.providers.get(target.provider)?.protocolFor(context.protocol) === context.protocol,
  );
  if (targets.length === 0) {
    throw new LlmuxError(
      "unsupported_conversion",
      `token counting for model "${clientModel}" needs a ${context.protocol} upstream; route "${resolution.route}" has none`,
    );
  }
  context.log.mode = "passthrough";
  const plan = {
    adapter: ADAPTERS[context.protocol],
    operation: "count-tokens" as const,
    raw,
    parsed: body,
    clientModel,
    stream: false,
  };
  await runWithFailover(app, context, resolution.route, targets, (attempt) =>
    attemptPassthrough(app, context, plan, attempt),
  );
}
