import { expect } from "vitest";
import type { Protocol } from "../../../src/core/model/protocol.js";
import type { RunningGateway } from "../../../src/host/control/kernel.js";
import { waitFor } from "./host.js";
import type { RawExchange } from "./raw-client.js";
import { errorShapeProblem } from "./wire.js";

/** The exchange ended with an error response of `status` in `protocol`'s own shape. */
export function expectProtocolError(protocol: Protocol, exchange: RawExchange, status: number): void {
  expect(exchange.outcome, exchange.error).toBe("answered");
  expect(exchange.status, exchange.text.slice(0, 300)).toBe(status);
  expect(errorShapeProblem(protocol, status, exchange.text)).toBeUndefined();
}

/** The gateway still answers its health check within `boundMs`, and soon holds no permit. */
export async function expectStillServing(gateway: RunningGateway, boundMs = 5_000): Promise<void> {
  const health = await fetch(`${gateway.url}/health`, { signal: AbortSignal.timeout(boundMs) });
  expect(health.status).toBe(200);
  const idle = () => gateway.app.providers.all().every((provider) => provider.pool.totalInFlight() === 0);
  expect(await waitFor(idle, 2_000)).toBe(true);
}
