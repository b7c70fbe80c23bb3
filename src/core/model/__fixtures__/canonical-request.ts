import type { CanonicalRequest } from "../request.js";

/** A minimal canonical request (one user "hi"), with the given fields replaced: for adapter tests. */
export function canonicalRequest(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: "client-model",
    system: [],
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    tools: [],
    sampling: {},
    stream: false,
    metadata: {},
    extensions: {},
    ...overrides,
  };
}
