import { LlmuxError } from "../../core/model/errors.js";
import { isJsonObject } from "../../core/model/json.js";
import type { InboundRequestInfo } from "../../core/protocols/adapter.js";
import { ADAPTERS } from "../../core/protocols/registry.js";
import { resolveAlias } from "../../core/routing/aliases.js";
import { resolveModel } from "../../core/routing/resolve-model.js";
import type { App } from "../control/app.js";
import { buildCountTokensReply } from "../tokenizer/count-tokens-reply.js";
import { ClientBody } from "./client-body.js";
import type { RequestContext } from "./context.js";
import { runWithFailover } from "./failover.js";
import { attemptPassthrough } from "./passthrough.js";
import { sendJson } from "./respond.js";

/**
 * Anthropic count_tokens and Gemini countTokens: forwarded to the resolved target when it speaks
 * the client's protocol (the upstream counts best for its own model); otherwise answered locally
 * with the tokenizer, over exactly what the client sent.
 */
export async function handleCountTokens(
  app: App,
  context: RequestContext,
  raw: Buffer,
  info: InboundRequestInfo,
): Promise<void> {
  const body = new ClientBody(raw);
  const bodyModel = body.field("model");
  const clientModel = info.model ?? (typeof bodyModel === "string" ? bodyModel : undefined);
  if (clientModel === undefined || clientModel === "") {
    throw new LlmuxError("invalid_request", "model: required", { param: "model" });
  }
  context.log.model = clientModel;
  const name = resolveAlias(clientModel, app.config.aliases) ?? clientModel;
  const resolution = resolveModel(app.config.routing, name, context.protocol);
  context.log.route = resolution.route;
  const adapter = ADAPTERS[context.protocol];
  const targets = resolution.targets.filter(
    (target) => app.providers.get(target.provider)?.protocolFor(context.protocol) === context.protocol,
  );
  if (targets.length === 0) {
    // Gemini countTokens may wrap the request: `{ generateContentRequest: { contents, ... } }`.
    const object = body.parsed;
    const wrapped = context.protocol === "gemini" ? object.generateContentRequest : undefined;
    const request = adapter.decodeRequest(isJsonObject(wrapped) ? wrapped : object, info, app.core).request;
    context.log.mode = "local";
    const reply =
      context.protocol === "gemini"
        ? buildCountTokensReply("gemini", request, app.tokens.counter)
        : buildCountTokensReply("anthropic", request, app.tokens.counter);
    sendJson(context, 200, reply);
    return;
  }
  context.log.mode = "passthrough";
  const plan = { adapter, operation: "count-tokens" as const, body, clientModel, stream: false };
  await runWithFailover(app, context, resolution.route, targets, {}, (attempt) =>
    attemptPassthrough(app, context, plan, attempt),
  );
}
