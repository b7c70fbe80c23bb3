import type { JsonObject } from "../../model/json.js";
import type {
  FilePart,
  ImagePart,
  Message,
  Part,
  TextPart,
  ToolResultContent,
  ToolResultPart,
} from "../../model/parts.js";
import type { CoreContext } from "../../model/protocol.js";
import { StableCallIds } from "../../tools/tool-ids.js";
import { PartialArgsWriter } from "./partial-args.js";
import type { GeminiContent, GeminiPart } from "./schema.js";
import { decodeSignature } from "./signatures.js";
import type { WarningSink } from "./warnings.js";

interface KnownCall {
  id: string;
  name: string;
  answered: boolean;
}

/** Gemini media (`inlineData` / `fileData`) -> an image part for images, a file part otherwise. */
export function decodeMedia(
  inlineData: { mimeType: string; data: string } | null | undefined,
  fileData: { mimeType?: string | null | undefined; fileUri: string } | null | undefined,
): ImagePart | FilePart | undefined {
  if (inlineData != null) {
    const source = { kind: "base64" as const, mediaType: inlineData.mimeType, data: inlineData.data };
    return inlineData.mimeType.startsWith("image/") ? { type: "image", source } : { type: "file", source };
  }
  if (fileData != null) {
    const source = { kind: "url" as const, url: fileData.fileUri };
    return fileData.mimeType?.startsWith("image/") === true
      ? { type: "image", source }
      : { type: "file", source };
  }
  return undefined;
}

/**
 * A functionResponse `response` -> tool result content: `{output}` / `{error}` alone unwrap
 * to their text (the keys Gemini documents), `{}` is no content, anything else is JSON text.
 */
function decodeToolResponse(response: JsonObject | null | undefined): {
  content: TextPart[];
  isError: boolean;
} {
  if (response == null) return { content: [], isError: false };
  const keys = Object.keys(response);
  if (keys.length === 0) return { content: [], isError: false };
  if (keys.length === 1 && (keys[0] === "output" || keys[0] === "error")) {
    const value = response[keys[0]]!;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return { content: [{ type: "text", text }], isError: keys[0] === "error" };
  }
  return { content: [{ type: "text", text: JSON.stringify(response) }], isError: false };
}

function codeText(part: GeminiPart): string | undefined {
  if (part.executableCode != null) {
    const language = (part.executableCode.language ?? "").toLowerCase().replace("language_unspecified", "");
    return `\`\`\`${language}\n${part.executableCode.code}\n\`\`\``;
  }
  if (part.codeExecutionResult != null) {
    const outcome = part.codeExecutionResult.outcome ?? "OUTCOME_OK";
    return `Code execution result (${outcome}):\n${part.codeExecutionResult.output ?? ""}`;
  }
  return undefined;
}

/** A history functionCall's arguments: `args`, or the streamed `partialArgs` a client replayed as received. */
function callArguments(call: { args?: JsonObject | null | undefined; partialArgs?: unknown }): string {
  if (call.args != null) return JSON.stringify(call.args);
  if (!Array.isArray(call.partialArgs)) return "{}";
  const writer = new PartialArgsWriter();
  let text = "";
  for (const partial of call.partialArgs) text += writer.apply(partial);
  return text + writer.finish();
}

/**
 * Gemini `contents` -> canonical messages. Model turns become assistant messages; user
 * turns split into one tool message (their functionResponse parts, first) and one user
 * message (the rest). Calls without an id get a stable id (a digest of their place in the
 * history, name and arguments: the same on every turn); a result without an id is matched by
 * name to the earliest unanswered call.
 */
export function decodeContents(
  contents: readonly GeminiContent[],
  _context: CoreContext,
  warnings: WarningSink,
): Message[] {
  const messages: Message[] = [];
  const calls: KnownCall[] = [];
  const stableIds = new StableCallIds();

  /** The call a functionResponse answers: by id when it names a known call, else by name. */
  const answer = (id: string | null | undefined, name: string): string => {
    const hasId = id != null && id !== "";
    const known =
      (hasId ? calls.find((call) => call.id === id) : undefined) ??
      calls.find((call) => call.name === name && !call.answered) ??
      calls.findLast((call) => call.name === name);
    if (known !== undefined) {
      known.answered = true;
      return known.id;
    }
    warnings.add(
      "gemini_unmatched_function_response",
      `functionResponse "${name}" matches no earlier functionCall`,
    );
    return hasId ? id : stableIds.mint(`result.${results}`, name, "");
  };
  let results = 0;

  const convertCode = (part: GeminiPart): TextPart | undefined => {
    const text = codeText(part);
    if (text === undefined) return undefined;
    warnings.add("gemini_code_execution_as_text", "code execution parts were converted to text");
    return { type: "text", text };
  };

  contents.forEach((content, contentIndex) => {
    if (content.role === "model") {
      const parts: Part[] = [];
      content.parts.forEach((part, partIndex) => {
        const signature = decodeSignature(part.thoughtSignature);
        if (part.functionCall != null) {
          const call = part.functionCall;
          const argumentsText = callArguments(call);
          const id =
            call.id != null && call.id !== ""
              ? call.id
              : stableIds.mint(`${contentIndex}.${partIndex}`, call.name, argumentsText);
          calls.push({ id, name: call.name, answered: false });
          const decoded: Part = { type: "tool-call", id, name: call.name, arguments: argumentsText };
          // A carried foreign signature is reasoning that preceded the call (an Anthropic or Responses upstream).
          if (signature?.origin === "gemini") decoded.signature = signature;
          else if (signature !== undefined) parts.push({ type: "thinking", text: "", signature });
          parts.push(decoded);
          return;
        }
        if (part.thought === true) {
          const thinking: Part = { type: "thinking", text: part.text ?? "" };
          if (signature !== undefined) thinking.signature = signature;
          parts.push(thinking);
          return;
        }
        const other =
          part.text != null ? undefined : (decodeMedia(part.inlineData, part.fileData) ?? convertCode(part));
        if (part.text != null && part.text !== "") parts.push({ type: "text", text: part.text });
        else if (other !== undefined) parts.push(other);
        else if (part.text == null && signature === undefined) {
          warnings.add("gemini_part_dropped", "a model part of an unknown kind was dropped");
        }
        // A signature on a non-thought part signs what came before it; it follows that part.
        if (signature !== undefined) parts.push({ type: "thinking", text: "", signature });
      });
      if (parts.length > 0) messages.push({ role: "assistant", content: parts });
      return;
    }
    const turnResults: ToolResultPart[] = [];
    const human: Part[] = [];
    for (const part of content.parts) {
      if (part.functionResponse != null) {
        const response = part.functionResponse;
        const decoded = decodeToolResponse(response.response);
        const resultContent: ToolResultContent[] = decoded.content;
        for (const nested of response.parts ?? []) {
          const media = decodeMedia(nested.inlineData, nested.fileData);
          if (media !== undefined) resultContent.push(media);
        }
        const result: ToolResultPart = {
          type: "tool-result",
          callId: answer(response.id, response.name),
          name: response.name,
          content: resultContent,
        };
        if (decoded.isError) result.isError = true;
        turnResults.push(result);
        results++;
      } else if (part.text != null) {
        if (part.text !== "") human.push({ type: "text", text: part.text });
      } else {
        const media = decodeMedia(part.inlineData, part.fileData);
        const converted = media ?? convertCode(part);
        if (converted !== undefined) human.push(converted);
        else if (part.functionCall != null)
          warnings.add("gemini_part_dropped", "a functionCall in a user turn was dropped");
        else if (part.thoughtSignature == null)
          warnings.add("gemini_part_dropped", "a user part of an unknown kind was dropped");
      }
    }
    if (turnResults.length > 0) messages.push({ role: "tool", content: turnResults });
    if (human.length > 0) messages.push({ role: "user", content: human });
  });
  return messages;
}
