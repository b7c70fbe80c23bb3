import { LlmuxError } from "../../core/model/errors.js";
import type { Message } from "../../core/model/parts.js";
import type { Protocol } from "../../core/model/protocol.js";
import type { CanonicalRequest } from "../../core/model/request.js";
import type { CanonicalResponse } from "../../core/model/response.js";
import type { InboundRequestInfo } from "../../core/protocols/adapter.js";
import { ADAPTERS } from "../../core/protocols/registry.js";
import type { App } from "../control/app.js";
import type { Attempt } from "./attempt.js";
import { ClientBody } from "./client-body.js";
import type { RequestContext } from "./context.js";
import { attemptConverted, type ConvertedPlan } from "./converted.js";
import { runWithFailover } from "./failover.js";
import { attemptPassthrough } from "./passthrough.js";
import { rememberSession, routeRequest } from "./route-request.js";

/** Per configuration: the client protocols some provider speaks (only they can be passed through). */
const passthroughProtocols = new WeakMap<App["config"], Set<Protocol> | "all">();

function canPassThrough(app: App, protocol: Protocol): boolean {
  let protocols = passthroughProtocols.get(app.config);
  if (protocols === undefined) {
    const spoken = new Set<Protocol>();
    let all = false;
    for (const provider of app.config.providers.values()) {
      if (provider.protocol === undefined) all = true;
      else spoken.add(provider.protocol);
    }
    protocols = all ? "all" : spoken;
    passthroughProtocols.set(app.config, protocols);
  }
  return protocols === "all" || protocols.has(protocol);
}

function clientModelOf(body: ClientBody, info: InboundRequestInfo): string {
  if (info.model !== undefined) return info.model;
  const model = body.field("model");
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
  // Its model read by a scan; parsed only when decoding needs it, scanned in full only when it is
  // passed through. When no provider speaks the client's protocol, every request converts: parse at once.
  const body = new ClientBody(raw, !canPassThrough(app, context.protocol));
  const clientModel = clientModelOf(body, info);
  context.log.model = clientModel;

  const client = ADAPTERS[context.protocol];
  // Decoded once, on first need: passthrough traffic that needs no classification never pays for it.
  let decoded: CanonicalRequest | undefined;
  const canonical = () => {
    decoded ??= client.decodeRequest(body.parsed, info, app.core).request;
    return decoded;
  };
  let converted: { request: CanonicalRequest; responseId: string | undefined } | undefined;
  const convertedRequest = () => {
    if (converted === undefined) {
      const responses = context.protocol === "openai-responses";
      converted = {
        request: responses ? withStoredHistory(app, canonical()) : canonical(),
        responseId: responses ? app.core.newId("resp_") : undefined,
      };
    }
    return converted;
  };

  // `x-llmux-model` names the route whatever model the client's body carries (agent launchers use it).
  const routeHeader = context.request.headers["x-llmux-model"];
  const routeModel = typeof routeHeader === "string" && routeHeader !== "" ? routeHeader : clientModel;
  const decision = routeRequest(app, context, { clientModel: routeModel, body, canonical });
  context.log.route = decision.route;
  context.log.routeReason = decision.reason;
  context.log.selection = decision.explanation;
  if (decision.targets.length === 0) {
    throw new LlmuxError(
      "unavailable",
      `route "${decision.route}" has no target that can serve this request (${decision.explanation})`,
    );
  }

  const options = {
    ...(decision.stickyCredential === undefined ? {} : { preferredCredential: decision.stickyCredential }),
    onSuccess: (attempt: Attempt) => rememberSession(app, decision, attempt.target, attempt.credential.key),
  };
  await runWithFailover(app, context, decision.route, decision.targets, options, (attempt) => {
    const upstreamProtocol = attempt.provider.protocolFor(context.protocol);
    context.log.upstreamProtocol = upstreamProtocol;
    if (upstreamProtocol === context.protocol) {
      context.log.mode = "passthrough";
      const stream = info.stream ?? decoded?.stream ?? body.field("stream") === true;
      context.log.stream = stream;
      return attemptPassthrough(
        app,
        context,
        { adapter: client, operation: "generate", body, clientModel, stream },
        attempt,
      );
    }
    context.log.mode = "converted";
    const { request, responseId } = convertedRequest();
    context.log.stream = request.stream;
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
