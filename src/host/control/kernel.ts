import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { CoreContext } from "../../core/model/protocol.js";
import { createRouterState } from "../../core/routing/select.js";
import type { ResolvedConfig } from "../config/resolved.js";
import { DemoTransport } from "../providers/demo-transport.js";
import { ProviderRegistry } from "../providers/registry.js";
import { KeyRing } from "../server/auth.js";
import { createRequestListener, InFlight } from "../server/http-server.js";
import { SqliteHealthStore } from "../state/health-store.js";
import { ResponseStore } from "../state/response-store.js";
import { StickyStore } from "../state/sticky-store.js";
import { createLogger, type Logger } from "../telemetry/logger.js";
import { createTiktokenCounter } from "../tokenizer/tiktoken-counter.js";
import { createTokenService } from "../tokenizer/token-service.js";
import type { App } from "./app.js";
import { VERSION } from "./version.js";

export interface StartOptions {
  /** Overrides config.server.host / port (CLI flags). */
  host?: string;
  port?: number;
  logger?: Logger;
}

/** A running llmux instance. */
export interface RunningGateway {
  readonly app: App;
  readonly url: string;
  readonly server: Server;
  /** Stop accepting, let in-flight requests finish within the grace period, then close everything. */
  stop(graceMs?: number): Promise<void>;
}

export function hostContext(): CoreContext {
  return {
    newId: (prefix) => `${prefix}${randomUUID().replace(/-/g, "")}`,
    now: () => Date.now(),
  };
}

export async function startGateway(
  config: ResolvedConfig,
  options: StartOptions = {},
): Promise<RunningGateway> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logger = options.logger ?? createLogger({ level: config.logging.level });
  const health = SqliteHealthStore.open({
    dataDir: config.dataDir,
    onWarning: (warning) => logger.warn(warning, "health store"),
  });
  const providers = new ProviderRegistry(config, health, new DemoTransport());
  // The tokenizer loads on first use (exact counts near a threshold, local count_tokens): it
  // costs ~80 MB and ~0.5 s once, which a gateway that never needs it should not pay.
  const tokens = createTokenService(createTiktokenCounter());
  const app: App = {
    config,
    providers,
    logger,
    keyRing: new KeyRing(config.server.apiKeys ?? []),
    core: hostContext(),
    responses: new ResponseStore(),
    health,
    routerState: createRouterState(),
    sticky: new StickyStore({ idleMs: config.router.sticky.idleTtlMs }),
    tokens,
    version: VERSION,
  };
  const inFlight = new InFlight();
  const server = createServer(
    { keepAliveTimeout: config.server.keepAliveTimeoutMs },
    createRequestListener(app, inFlight),
  );
  server.headersTimeout = config.server.headersTimeoutMs;
  server.requestTimeout = config.server.requestTimeoutMs;

  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = config.server.shutdownGraceMs): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), graceMs);
      });
      const outcome = await Promise.race([inFlight.idle().then(() => "idle" as const), grace]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        logger.warn({ inFlight: inFlight.count }, "grace period over: closing remaining connections");
      }
      server.closeAllConnections();
      await closed;
      await providers.close();
      health.close();
      app.tokens.close();
      logger.flush();
    })();
    return stopping;
  };
  return { app, url, server, stop };
}
