import type { Protocol } from "../../core/model/protocol.js";
import type { Credential, ResolvedConfig, ResolvedProvider } from "../config/resolved.js";
import { type HealthStore, isCoolingDown } from "../state/health.js";
import { type CredentialHealthView, CredentialPool } from "./credential-pool.js";
import { HttpTransport } from "./http-transport.js";
import { TokenFileCredential } from "./token-file.js";
import type { Transport } from "./transport.js";

/** A credential ready to use: its secret (a key, or a refreshed OAuth token) and its transport. */
export class CredentialRuntime {
  readonly config: Credential;
  readonly transport: Transport;
  private readonly tokenFile: TokenFileCredential | undefined;

  constructor(config: Credential, transport: Transport, tokenFile: TokenFileCredential | undefined) {
    this.config = config;
    this.transport = transport;
    this.tokenFile = tokenFile;
  }

  get key(): string {
    return this.config.key;
  }

  /** Whether a 401 can be answered by refreshing (token files). */
  get canRefresh(): boolean {
    return this.tokenFile !== undefined;
  }

  /**
   * The secret to send now (refreshed ahead of expiry for token files). A plain key is returned
   * as it is, not wrapped in a promise: the request path awaits only what may take time.
   */
  secret(): string | undefined | Promise<string | undefined> {
    if (this.tokenFile !== undefined) return this.tokenFile.accessToken();
    return this.config.apiKey;
  }

  /** After a 401: refresh now (one refresh at a time; concurrent callers share it). */
  async forceRefresh(rejected: string | undefined): Promise<void> {
    await this.tokenFile?.forceRefresh(rejected);
  }
}

/** A configured provider: its credentials, their pool of permits, and its transports. */
export class ProviderRuntime {
  readonly config: ResolvedProvider;
  readonly pool: CredentialPool;
  private readonly credentials = new Map<string, CredentialRuntime>();

  constructor(config: ResolvedProvider, pool: CredentialPool, credentials: CredentialRuntime[]) {
    this.config = config;
    this.pool = pool;
    for (const credential of credentials) this.credentials.set(credential.key, credential);
  }

  get id(): string {
    return this.config.id;
  }

  /** The protocol spoken upstream for a client of `clientProtocol` (the demo model speaks them all). */
  protocolFor(clientProtocol: Protocol): Protocol {
    return this.config.protocol ?? clientProtocol;
  }

  credential(key: string): CredentialRuntime | undefined {
    return this.credentials.get(key);
  }

  allCredentials(): CredentialRuntime[] {
    return [...this.credentials.values()];
  }
}

/** The pool's view of health: manual disables and cooldowns still running. */
export function healthView(health: HealthStore): CredentialHealthView {
  return {
    unavailable(key, now) {
      const record = health.get(key);
      if (record === undefined) return undefined;
      if (record.disabled) return "disabled";
      return isCoolingDown(record, now)
        ? { untilMs: record.cooldownUntil, reason: record.reason }
        : undefined;
    },
  };
}

/** The demo provider has no credentials: it gets one built-in slot so it goes through the same leases. */
const DEMO_CREDENTIAL: Omit<Credential, "key"> = { id: "builtin" };

export class ProviderRegistry {
  private readonly runtimes = new Map<string, ProviderRuntime>();
  private readonly transports: Transport[] = [];

  constructor(config: ResolvedConfig, health: HealthStore, demoTransport: Transport) {
    const view = healthView(health);
    for (const provider of config.providers.values()) {
      const byProxy = new Map<string, Transport>();
      const transportFor = (proxy: string | undefined): Transport => {
        if (provider.kind === "demo") return demoTransport;
        const key = proxy ?? "";
        let transport = byProxy.get(key);
        if (transport === undefined) {
          transport = new HttpTransport(provider.timeouts, proxy);
          byProxy.set(key, transport);
          this.transports.push(transport);
        }
        return transport;
      };
      const credentialConfigs =
        provider.kind === "demo" && provider.credentials.length === 0
          ? [{ ...DEMO_CREDENTIAL, key: `credential:${provider.id}/builtin` }]
          : provider.credentials;
      const credentials = credentialConfigs.map((credential) => {
        const tokenFile =
          credential.tokenFile !== undefined && provider.oauth !== undefined
            ? new TokenFileCredential({ path: credential.tokenFile, id: credential.id, ...provider.oauth })
            : undefined;
        return new CredentialRuntime(credential, transportFor(credential.proxy), tokenFile);
      });
      const pool = new CredentialPool(
        provider.id,
        credentialConfigs.map((credential) => ({
          id: credential.id,
          key: credential.key,
          ...(credential.maxConcurrency === undefined ? {} : { maxConcurrency: credential.maxConcurrency }),
          ...(credential.rpm === undefined ? {} : { rpm: credential.rpm }),
        })),
        view,
      );
      this.runtimes.set(provider.id, new ProviderRuntime(provider, pool, credentials));
    }
  }

  get(id: string): ProviderRuntime | undefined {
    return this.runtimes.get(id);
  }

  all(): ProviderRuntime[] {
    return [...this.runtimes.values()];
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.transports.map((transport) => transport.close()));
  }
}
