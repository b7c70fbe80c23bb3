import type { Protocol } from "../../core/model/protocol.js";
import type { Credential, ResolvedConfig, ResolvedProvider } from "../config/resolved.js";
import { HttpTransport } from "./http-transport.js";
import type { Transport } from "./transport.js";

/** A configured provider with its transport and credentials. */
export class ProviderRuntime {
  readonly config: ResolvedProvider;
  readonly transport: Transport;
  private nextIndex = 0;

  constructor(config: ResolvedProvider, transport: Transport) {
    this.config = config;
    this.transport = transport;
  }

  get id(): string {
    return this.config.id;
  }

  /** The protocol spoken upstream for a client of `clientProtocol` (the demo model speaks them all). */
  protocolFor(clientProtocol: Protocol): Protocol {
    return this.config.protocol ?? clientProtocol;
  }

  /** Credentials in turn. */
  nextCredential(): Credential | undefined {
    const credentials = this.config.credentials;
    if (credentials.length === 0) return undefined;
    const credential = credentials[this.nextIndex % credentials.length];
    this.nextIndex = (this.nextIndex + 1) % credentials.length;
    return credential;
  }
}

export class ProviderRegistry {
  private readonly runtimes = new Map<string, ProviderRuntime>();

  constructor(config: ResolvedConfig, demoTransport: Transport) {
    for (const provider of config.providers.values()) {
      const transport = provider.kind === "demo" ? demoTransport : new HttpTransport(provider.timeouts);
      this.runtimes.set(provider.id, new ProviderRuntime(provider, transport));
    }
  }

  get(id: string): ProviderRuntime | undefined {
    return this.runtimes.get(id);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.runtimes.values()].map((runtime) => runtime.transport.close()));
  }
}
