import type { JsonObject, JsonValue } from "../../model/json.js";
import type { OutputPart } from "../../model/parts.js";
import { assertNever, type CoreContext } from "../../model/protocol.js";
import type { CanonicalResponse } from "../../model/response.js";
import type { ResponseEncodeOptions } from "../adapter.js";
import { encodeFinishReason } from "./finish.js";
import {
  customToolCallItem,
  functionCallItem,
  messageItem,
  outputTextPart,
  reasoningItem,
  refusalPart,
  responseObject,
} from "./output-items.js";
import { carryReasoning } from "./reasoning-carry.js";
import { groupThinkingParts } from "./reasoning-items.js";
import { encodeResponsesUsage } from "./usage.js";

/**
 * Output parts as Responses output items: one message item per text part (text marked as a
 * refusal as refusal content, as the stream encoder sends it), one reasoning item per run of thinking parts from the same item (foreign
 * reasoning artifacts carried in `encrypted_content`), one item per tool call.
 */
export function encodeOutputItems(content: readonly OutputPart[], context: CoreContext): JsonValue[] {
  const items: JsonValue[] = [];
  for (let index = 0; index < content.length; index++) {
    const part = content[index] as OutputPart;
    switch (part.type) {
      case "text": {
        const wire = part.refusal === true ? refusalPart(part.text) : outputTextPart(part.text);
        items.push(messageItem(context.newId("msg_"), [wire], "completed"));
        break;
      }
      case "thinking": {
        const group = groupThinkingParts(content, index);
        index += group.length - 1;
        const last = group[group.length - 1] ?? part;
        const summaries = group.filter((member) => member.text !== "").map((member) => member.text);
        items.push(reasoningItem(last.itemId ?? context.newId("rs_"), summaries, carryReasoning(last)));
        break;
      }
      case "tool-call":
        items.push(
          part.kind === "custom"
            ? customToolCallItem(context.newId("ctc_"), part.id, part.name, part.arguments, "completed")
            : functionCallItem(context.newId("fc_"), part.id, part.name, part.arguments || "{}", "completed"),
        );
        break;
      default:
        assertNever(part, "output part");
    }
  }
  return items;
}

/** A canonical response as a non-streaming Responses body reporting the client's model. */
export function encodeResponsesResponse(
  response: CanonicalResponse,
  options: ResponseEncodeOptions,
  context: CoreContext,
): JsonObject {
  const finish = encodeFinishReason(response.finishReason);
  return responseObject({
    id: response.id,
    model: options.model,
    createdAt: response.created,
    status: finish.status,
    incompleteDetails: finish.incompleteDetails,
    output: encodeOutputItems(response.content, context),
    usage: encodeResponsesUsage(response.usage),
  });
}
