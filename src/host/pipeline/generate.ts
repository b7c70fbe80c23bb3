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
import { attemptConverted, type ConvertedPlan } from "./converted.js";
import { runWithFailover } from "./failover.js";
import { attemptPassthrough } from "./passthrough.js";

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

/** A generation request (any of the four protocols): resolve the targets, then passthrough or convert, with failover. */
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
  context.response.setHeader("x-llmux-route", resolution.route);
  if (resolution.targets.length === 0) {
    throw new LlmuxError(
      "unavailable",
      `route "${resolution.route}" has no target that serves model "${clientModel}"`,
    );
  }

  const client = ADAPTERS[context.protocol];
  // Decoded once, on first need: passthrough attempts never pay for it.
  let converted: { request: CanonicalRequest; responseId: string | undefined } | undefined;
  const convertedRequest = () => {
    if (converted === undefined) {
      const decoded = client.decodeRequest(body, info, app.core);
      const responses = context.protocol === "openai-responses";
      converted = {
        request: responses ? withStoredHistory(app, decoded.request) : decoded.request,
        responseId: responses ? app.core.newId("resp_") : undefined,
      };
    }
    return converted;
  };

  await runWithFailover(app, context, resolution.route, resolution.targets, (attempt) => {
    const upstreamProtocol = attempt.provider.protocolFor(context.protocol);
    context.log.upstreamProtocol = upstreamProtocol;
    if (upstreamProtocol === context.protocol) {
      context.log.mode = "passthrough";
      return attemptPassthrough(
        app,
        context,
        { adapter: client, operation: "generate", raw, parsed: body, clientModel, stream },
        attempt,
      );
    }
    context.log.mode = "converted";
    const { request, responseId } = convertedRequest();
    const plan: ConvertedPlan = { client, upstream: ADAPTERS[upstreamProtocol], request, clientModel };
    if (responseId !== undefined) {
      plan.responseId = responseId;
      if (request.store !== false) plan.onComplete = (response) => storeConversation(app, request, response);
    }
    return attemptConverted(app, context, plan, attempt);
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
