import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LlmuxError } from "../../core/model/errors.js";
import { handleAdmin } from "../control/admin.js";
import type { App } from "../control/app.js";
import { ClientGone } from "../pipeline/client-gone.js";
import type { RequestContext } from "../pipeline/context.js";
import { handleCountTokens } from "../pipeline/count-tokens.js";
import { handleGenerate } from "../pipeline/generate.js";
import { handleModels } from "../pipeline/models.js";
import { sendError, sendHead, sendJson } from "../pipeline/respond.js";
import { logLine } from "../telemetry/logger.js";
import { RequestLog, requestLineMembers } from "../telemetry/request-log.js";
import { presentedKey } from "./auth.js";
import { type Endpoint, guessProtocol, matchEndpoint } from "./endpoints.js";
import { checkContentType, readBody } from "./read-body.js";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdFor(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Counts requests in flight, so shutdown can wait for them. */
export class InFlight {
  count = 0;
  private waiters: (() => void)[] = [];

  enter(): void {
    this.count++;
  }

  leave(): void {
    this.count--;
    if (this.count === 0) {
      for (const waiter of this.waiters.splice(0)) waiter();
    }
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

async function dispatch(app: App, context: RequestContext, endpoint: Endpoint): Promise<void> {
  switch (endpoint.kind) {
    case "probe":
      if (context.request.method === "HEAD") {
        sendHead(context, 200, { "content-type": "application/json" });
      } else {
        sendJson(context, 200, { name: "llmux", version: app.version });
      }
      return;
    case "health":
      sendJson(context, 200, { status: "ok", version: app.version });
      return;
    case "models":
      handleModels(app, context, endpoint.protocol);
      return;
    case "admin":
      handleAdmin(app, context);
      return;
    case "generate":
    case "count-tokens": {
      checkContentType(context.request);
      const raw = await readBody(
        context.request,
        app.config.server.bodyLimitBytes,
        app.config.server.bodyTimeoutMs,
      );
      if (endpoint.kind === "generate") await handleGenerate(app, context, raw, endpoint.info);
      else await handleCountTokens(app, context, raw, endpoint.info);
      return;
    }
  }
}

function logRequest(app: App, context: RequestContext): void {
  const log = context.log;
  const level = (log.status ?? 0) >= 500 || log.error !== undefined ? "warn" : "info";
  const head = {
    reqId: context.id,
    method: context.request.method,
    path: context.url.pathname,
    protocol: context.protocol,
    tenant: context.tenant,
  };
  const members = requestLineMembers(
    head,
    log,
    performance.now() - context.startedAt,
    context.clientGone.aborted,
  );
  logLine(app.logger, level, members, "request");
}

/** The node:http request listener: endpoint table, client auth, then the pipeline. */
export function createRequestListener(app: App, inFlight: InFlight) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    inFlight.enter();
    const url = new URL(request.url ?? "/", "http://llmux.local");
    const context: RequestContext = {
      id: requestIdFor(request),
      startedAt: performance.now(),
      request,
      response,
      url,
      protocol: guessProtocol(url.pathname, request.headers),
      clientGone: new ClientGone(),
      log: new RequestLog(),
      drained: undefined,
    };
    response.on("close", () => {
      if (!response.writableFinished) context.clientGone.abort();
      logRequest(app, context);
      inFlight.leave();
    });

    const match = matchEndpoint(request.method ?? "GET", url.pathname, request.headers);
    if ("error" in match) {
      if (match.allow !== undefined) response.setHeader("allow", match.allow);
      sendError(
        context,
        match.error === "not-found"
          ? new LlmuxError("not_found", `no endpoint ${request.method} ${url.pathname}`)
          : new LlmuxError("invalid_request", `method ${request.method} is not allowed on ${url.pathname}`, {
              status: 405,
            }),
      );
      request.resume();
      return;
    }
    const endpoint = match.endpoint;
    if ("protocol" in endpoint) context.protocol = endpoint.protocol;
    const open = endpoint.kind === "probe" || endpoint.kind === "health" || endpoint.kind === "admin";
    if (app.keyRing.enabled && !open) {
      const verdict = app.keyRing.check(presentedKey(request.headers, url.searchParams));
      if (!verdict.accepted) {
        sendError(context, new LlmuxError("authentication", "invalid or missing API key"));
        request.resume();
        return;
      }
      if (verdict.tenant !== undefined) context.tenant = verdict.tenant;
    }
    dispatch(app, context, endpoint).catch((error: unknown) => {
      if (context.clientGone.aborted) return;
      // The rest of an oversized body is not read: close the connection after answering.
      if (error instanceof LlmuxError && (error.code === "request_too_large" || error.status === 408)) {
        response.shouldKeepAlive = false;
      }
      sendError(context, error);
    });
  };
}
