import type { CoreContext } from "../../core/model/protocol.js";
import type { RouterState } from "../../core/routing/select.js";
import type { ResolvedConfig } from "../config/resolved.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { KeyRing } from "../server/auth.js";
import type { HealthStore } from "../state/health.js";
import type { ResponseStore } from "../state/response-store.js";
import type { StickyStore } from "../state/sticky-store.js";
import type { Logger } from "../telemetry/logger.js";
import type { TokenService } from "../tokenizer/token-service.js";

/** Everything a request handler needs from the running instance. */
export interface App {
  readonly config: ResolvedConfig;
  readonly providers: ProviderRegistry;
  readonly logger: Logger;
  readonly keyRing: KeyRing;
  readonly core: CoreContext;
  readonly responses: ResponseStore;
  readonly health: HealthStore;
  /** Round-robin state of the router (current weights per route tier). */
  readonly routerState: RouterState;
  readonly sticky: StickyStore;
  readonly tokens: TokenService;
  readonly version: string;
}
