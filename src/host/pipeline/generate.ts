import { parseJsonOrThrow } from "../../core/json/safe-parse.js";
import { LlmuxError } from "../../core/model/errors.js";
import { isJsonObject, type JsonObject } from "../../core/model/json.js";
import type { Message } from "../../core/model/parts.js";
import type { CanonicalRequest } from "../../core/model/request.js";
import type { CanonicalResponse } from "../../core/model/response.js";
import type { InboundRequestInfo } from "../../core/protocols/adapter.js";
import { ADAPTERS } from "../../core/protocols/registry.js";
import { resolveModel } from "../../core/routing/resolve-model.js";
import type { App } from "../control/app.js";
import type { RequestContext } from "./context.js";
import { forwardConverted } from "./converted.js";
import { forwardPassthrough } from "./passthrough.js";

/** The parsed client body; a JSON object or a clear 400. */
export function parseClientBody(raw: Buffer): JsonObject {
  const parsed = parseJsonOrThrow(raw.toString("utf8"), "client");
  if (!isJsonObject(parsed)) throw new LlmuxError("invalid_request", "request body must be a JSON object");
  return parsed;
}

function clientModelOf(body: JsonObject, info: InboundRequestInfo): string {
  if (info.model !== undefined) return info.model;
  const model = body.model;
  if (typeof model !== "string" || model === "") {
    throw new LlmuxError(
      "invalid_request",
      "model: required (a route name, provider/model, or a model name)",
      {
        param: "model",
      },
    );
  }
  return model;
}

/** A generation request (any of the four protocols): resolve the target, then passthrough or convert. */
export async function handleGenerate(
  app: App,
  context: RequestContext,
  raw: Buffer,
  info: InboundRequestInfo,
): Promise<void> {
  const body = parseClientBody(raw);
  const clientModel = clientModelOf(body, info);
  const stream = info.stream ?? body.stream === true;
  context.log.model = clientModel;
  context.log.stream = stream;

  const resolution = resolveModel(app.config.routing, clientModel, context.protocol);
  context.log.route = resolution.route;
  const target = resolution.targets[0];
  if (target === undefined) {
    throw new LlmuxError(
      "unavailable",
      `route "${resolution.route}" has no target that serves model "${clientModel}"`,
    );
  }
  const provider = app.providers.get(target.provider);
  if (provider === undefined) throw new LlmuxError("internal", `provider ${target.provider} is not running`);
  const upstreamProtocol = provider.protocolFor(context.protocol);
  context.log.target = `${target.provider}/${target.upstreamModel}`;
  context.log.upstreamProtocol = upstreamProtocol;
  context.log.attempts = 1;
  context.response.setHeader("x-llmux-route", resolution.route);
  context.response.setHeader("x-llmux-target", context.log.target);
  context.response.setHeader("x-llmux-attempts", "1");

  const client = ADAPTERS[context.protocol];
  if (upstreamProtocol === context.protocol) {
    context.log.mode = "passthrough";
    await forwardPassthrough(
      context,
      { provider, target, operation: "generate", raw, parsed: body, clientModel, stream },
      ADAPTERS[upstreamProtocol].decodeUsage,
    );
    return;
  }

  context.log.mode = "converted";
  const decoded = client.decodeRequest(body, info, app.core);
  const request = withStoredHistory(app, decoded.request);
  await forwardConverted(app, context, {
    provider,
    target,
    client,
    upstream: ADAPTERS[upstreamProtocol],
    request,
    clientModel,
    ...(context.protocol === "openai-responses" && request.store !== false
      ? { onComplete: (response: CanonicalResponse) => storeConversation(app, request, response) }
      : {}),
  });
}

/** Responses `previous_response_id` against an upstream that keeps no state: prepend the stored turns. */
function withStoredHistory(app: App, request: CanonicalRequest): CanonicalRequest {
  const previousId = request.previousResponseId;
  if (previousId === undefined) return request;
  const stored = app.responses.get(previousId, app.core.now());
  if (stored === undefined) {
    throw new LlmuxError(
      "invalid_request",
      `previous response "${previousId}" was not found (it expired or was not stored)`,
      {
        param: "previous_response_id",
        status: 404,
      },
    );
  }
  return {
    ...request,
    system: request.system.length > 0 ? request.system : stored.system,
    messages: [...stored.messages, ...request.messages],
  };
}

function storeConversation(app: App, request: CanonicalRequest, response: CanonicalResponse): void {
  const output: Message = { role: "assistant", content: response.content };
  app.responses.put({
    id: response.id,
    system: request.system,
    messages: [...request.messages, output],
    storedAt: app.core.now(),
  });
}
