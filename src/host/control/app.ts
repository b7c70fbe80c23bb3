import type { CoreContext } from "../../core/model/protocol.js";
import type { ResolvedConfig } from "../config/resolved.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { KeyRing } from "../server/auth.js";
import type { HealthStore } from "../state/health.js";
import type { ResponseStore } from "../state/response-store.js";
import type { Logger } from "../telemetry/logger.js";

/** Everything a request handler needs from the running instance. */
export interface App {
  readonly config: ResolvedConfig;
  readonly providers: ProviderRegistry;
  readonly logger: Logger;
  readonly keyRing: KeyRing;
  readonly core: CoreContext;
  readonly responses: ResponseStore;
  readonly health: HealthStore;
  readonly version: string;
}
