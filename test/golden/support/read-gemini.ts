import type { JsonObject } from "../../../src/core/model/json.js";
import { type ConversationView, emptyView, type ImageView, type ViewPart } from "./conversation-view.js";
import { objectOf, objectsOf, stringOf } from "./json-access.js";

function mediaOf(part: JsonObject): ImageView | undefined {
  const inline = objectOf(part.inlineData);
  if (inline !== undefined)
    return { mediaType: stringOf(inline.mimeType) ?? "", data: stringOf(inline.data) ?? "" };
  const file = objectOf(part.fileData);
  const uri = stringOf(file?.fileUri);
  return uri === undefined ? undefined : { url: uri };
}

/** A functionResponse `response`: `{output}` / `{error}` read as their text, other objects as JSON. */
function responseText(response: JsonObject | undefined): { text: string; isError: boolean } {
  if (response === undefined) return { text: "", isError: false };
  const keys = Object.keys(response);
  if (keys.length === 0) return { text: "", isError: false };
  if (keys.length === 1 && (keys[0] === "output" || keys[0] === "error")) {
    const value = response[keys[0]];
    return { text: typeof value === "string" ? value : JSON.stringify(value), isError: keys[0] === "error" };
  }
  return { text: JSON.stringify(response), isError: false };
}

function partOf(part: JsonObject): ViewPart[] {
  const call = objectOf(part.functionCall);
  if (call !== undefined) {
    return [{ kind: "call", id: stringOf(call.id), name: stringOf(call.name) ?? "", args: call.args ?? {} }];
  }
  const response = objectOf(part.functionResponse);
  if (response !== undefined) {
    const { text, isError } = responseText(objectOf(response.response));
    const parts: ViewPart[] = [
      { kind: "result", id: stringOf(response.id), name: stringOf(response.name), text, isError },
    ];
    for (const nested of objectsOf(response.parts)) {
      const image = mediaOf(nested);
      if (image !== undefined) parts.push({ kind: "image", image });
    }
    return parts;
  }
  const signature = stringOf(part.thoughtSignature);
  const text = stringOf(part.text);
  if (part.thought === true || (text === "" && signature !== undefined)) {
    const thinking: ViewPart = { kind: "thinking", text: text ?? "" };
    if (signature !== undefined) thinking.signature = signature;
    return [thinking];
  }
  if (text !== undefined) return [{ kind: "text", text }];
  const image = mediaOf(part);
  return image === undefined ? [] : [{ kind: "image", image }];
}

/** Gemini `systemInstruction` + `contents` (roles user and model; results are user parts). */
export function readGeminiConversation(body: JsonObject): ConversationView {
  const view = emptyView();
  const system = body.systemInstruction;
  if (typeof system === "string") view.system.push(system);
  for (const part of objectsOf(objectOf(system)?.parts)) view.system.push(stringOf(part.text) ?? "");
  for (const content of objectsOf(body.contents)) {
    const parts = objectsOf(content.parts).flatMap(partOf);
    const role =
      content.role === "model"
        ? "assistant"
        : parts.every((part) => part.kind === "result" || part.kind === "image") &&
            parts.some((part) => part.kind === "result")
          ? "tool"
          : "user";
    view.turns.push({ role, parts });
  }
  for (const tool of objectsOf(body.tools)) {
    for (const declaration of objectsOf(tool.functionDeclarations)) {
      const name = stringOf(declaration.name);
      if (name !== undefined) view.tools.push(name);
    }
  }
  const calling = objectOf(objectOf(body.toolConfig)?.functionCallingConfig);
  const mode = stringOf(calling?.mode);
  const allowed = Array.isArray(calling?.allowedFunctionNames) ? calling.allowedFunctionNames : [];
  if (mode === "AUTO" || mode === "VALIDATED") view.toolChoice = "auto";
  else if (mode === "NONE") view.toolChoice = "none";
  else if (mode === "ANY") {
    const only = allowed.length === 1 ? stringOf(allowed[0]) : undefined;
    view.toolChoice = only === undefined ? "required" : { tool: only };
  }
  return view;
}
