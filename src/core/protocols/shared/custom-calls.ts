import type { CoreContext } from "../../model/protocol.js";
import { createCustomCallRestorer, restoreCustomCalls } from "../../tools/custom-tools.js";
import type { ProtocolAdapter } from "../adapter.js";

/**
 * The response side of free-form tools for a client protocol that has custom calls: wraps the
 * adapter's response and stream encoders so that calls to `options.customTools` that an
 * upstream returned as function calls reach the client as custom calls (see core/tools).
 */
export function restoringCustomCalls(
  encodeResponse: ProtocolAdapter["encodeResponse"],
  createStreamEncoder: ProtocolAdapter["createStreamEncoder"],
): Pick<ProtocolAdapter, "encodeResponse" | "createStreamEncoder"> {
  return {
    encodeResponse: (response, options, context: CoreContext) => {
      const names = options.customTools ?? [];
      if (names.length === 0) return encodeResponse(response, options, context);
      return encodeResponse(
        { ...response, content: restoreCustomCalls(response.content, names) },
        options,
        context,
      );
    },
    createStreamEncoder: (options, context, write) => {
      const encoder = createStreamEncoder(options, context, write);
      const names = options.customTools ?? [];
      if (names.length === 0) return encoder;
      const push = createCustomCallRestorer(names, (event) => encoder.push(event));
      return { push, end: () => encoder.end() };
    },
  };
}
