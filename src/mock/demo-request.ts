import { isJsonObject, type JsonObject, type JsonValue } from "../core/model/json.js";
import { assertNever, type Protocol } from "../core/model/protocol.js";

/** What the demo model reads from a request, whatever its protocol. */
export interface DemoRequest {
  /** The text of the last user message ("" when there is none). */
  userText: string;
  /** Set when the conversation ends with a tool result. */
  toolResult?: { name?: string; content: string };
  tools: DemoTool[];
  toolChoice: DemoToolChoice;
  wantsReasoning: boolean;
}

export interface DemoTool {
  name: string;
  description: string;
  schema: JsonObject;
}

export type DemoToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

/** Tolerant field readers: a request of the wrong shape yields nothing, never a throw. */
function objectAt(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

function arrayAt(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function stringAt(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The text of a content value: a string, or parts with `text` fields; other values as JSON. */
export function textOf(content: JsonValue | undefined): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        isJsonObject(part) && typeof part.text === "string" ? part.text : textOf(objectAt(part)?.content),
      )
      .filter((text) => text !== "")
      .join("\n");
  }
  return JSON.stringify(content);
}

/** The `text` of each part, joined by newlines. */
function textOfParts(parts: readonly (JsonObject | undefined)[]): string {
  return parts
    .map((part) => (typeof part?.text === "string" ? part.text : ""))
    .filter((text) => text !== "")
    .join("\n");
}

function lastWithRole(items: readonly JsonValue[], role: string): JsonObject | undefined {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = objectAt(items[index]);
    if (item?.role === role) return item;
  }
  return undefined;
}

function chatToolName(messages: readonly JsonValue[], callId: string | undefined): string | undefined {
  for (const message of messages) {
    for (const call of arrayAt(objectAt(message)?.tool_calls)) {
      const object = objectAt(call);
      if (object?.id === callId) return stringAt(objectAt(object?.function)?.name);
    }
  }
  return undefined;
}

function readOpenAiChoice(choice: JsonValue | undefined): DemoToolChoice {
  if (choice === "none" || choice === "required") return { type: choice };
  const object = objectAt(choice);
  const name = stringAt(objectAt(object?.function)?.name) ?? stringAt(object?.name);
  return name === undefined ? { type: "auto" } : { type: "tool", name };
}

function withResult(request: DemoRequest, name: string | undefined, content: string): DemoRequest {
  request.toolResult = name === undefined ? { content } : { name, content };
  return request;
}

function readChat(body: JsonObject): DemoRequest {
  const messages = arrayAt(body.messages);
  const tools = arrayAt(body.tools).flatMap((tool) => {
    const fn = objectAt(objectAt(tool)?.function);
    const name = stringAt(fn?.name);
    if (name === undefined) return [];
    return [{ name, description: stringAt(fn?.description) ?? "", schema: objectAt(fn?.parameters) ?? {} }];
  });
  const effort = body.reasoning_effort ?? objectAt(body.reasoning)?.effort;
  const request: DemoRequest = {
    userText: textOf(lastWithRole(messages, "user")?.content),
    tools,
    toolChoice: readOpenAiChoice(body.tool_choice),
    wantsReasoning: typeof effort === "string" && effort !== "none",
  };
  const last = objectAt(messages.at(-1));
  if (last?.role !== "tool") return request;
  return withResult(request, chatToolName(messages, stringAt(last.tool_call_id)), textOf(last.content));
}

function readResponses(body: JsonObject): DemoRequest {
  const input = body.input;
  const items = typeof input === "string" ? [{ role: "user", content: input }] : arrayAt(input);
  const tools = arrayAt(body.tools).flatMap((tool) => {
    const object = objectAt(tool);
    const name = stringAt(object?.name);
    if (object?.type !== "function" || name === undefined) return [];
    return [
      { name, description: stringAt(object.description) ?? "", schema: objectAt(object.parameters) ?? {} },
    ];
  });
  const effort = objectAt(body.reasoning)?.effort;
  const request: DemoRequest = {
    userText: textOf(lastWithRole(items, "user")?.content),
    tools,
    toolChoice: readOpenAiChoice(body.tool_choice),
    wantsReasoning: typeof effort === "string" && effort !== "none",
  };
  const last = objectAt(items.at(-1));
  if (last?.type !== "function_call_output") return request;
  const call = items
    .map(objectAt)
    .find((item) => item?.type === "function_call" && item.call_id === last.call_id);
  return withResult(request, stringAt(call?.name), textOf(last.output));
}

function readAnthropic(body: JsonObject): DemoRequest {
  const messages = arrayAt(body.messages);
  const tools = arrayAt(body.tools).flatMap((tool) => {
    const object = objectAt(tool);
    const name = stringAt(object?.name);
    const schema = objectAt(object?.input_schema);
    if (name === undefined || schema === undefined) return [];
    return [{ name, description: stringAt(object?.description) ?? "", schema }];
  });
  const choice = objectAt(body.tool_choice);
  const choiceName = stringAt(choice?.name);
  const toolChoice: DemoToolChoice =
    choice?.type === "any"
      ? { type: "required" }
      : choice?.type === "none"
        ? { type: "none" }
        : choice?.type === "tool" && choiceName !== undefined
          ? { type: "tool", name: choiceName }
          : { type: "auto" };
  const thinking = objectAt(body.thinking)?.type;
  const lastUser = lastWithRole(messages, "user");
  const blocks = arrayAt(lastUser?.content).map(objectAt);
  const results = blocks.filter((block) => block?.type === "tool_result");
  const request: DemoRequest = {
    userText:
      typeof lastUser?.content === "string"
        ? lastUser.content
        : textOfParts(blocks.filter((block) => block?.type === "text")),
    tools,
    toolChoice,
    wantsReasoning: thinking === "enabled" || thinking === "adaptive",
  };
  const result = results.at(-1);
  if (result === undefined || objectAt(messages.at(-1)) !== lastUser) return request;
  const callId = stringAt(result?.tool_use_id);
  const call = messages
    .flatMap((message) => arrayAt(objectAt(message)?.content))
    .map(objectAt)
    .find((block) => block?.type === "tool_use" && block.id === callId);
  return withResult(request, stringAt(call?.name), textOf(result?.content));
}

function readGemini(body: JsonObject): DemoRequest {
  const contents = arrayAt(body.contents);
  const tools = arrayAt(body.tools).flatMap((tool) =>
    arrayAt(objectAt(tool)?.functionDeclarations).flatMap((declaration) => {
      const object = objectAt(declaration);
      const name = stringAt(object?.name);
      if (name === undefined) return [];
      const schema = objectAt(object?.parametersJsonSchema) ?? objectAt(object?.parameters) ?? {};
      return [{ name, description: stringAt(object?.description) ?? "", schema }];
    }),
  );
  const calling = objectAt(objectAt(body.toolConfig)?.functionCallingConfig);
  const allowed = arrayAt(calling?.allowedFunctionNames).filter((name) => typeof name === "string");
  const mode = calling?.mode;
  const toolChoice: DemoToolChoice =
    mode === "NONE"
      ? { type: "none" }
      : mode === "ANY" && allowed.length === 1 && typeof allowed[0] === "string"
        ? { type: "tool", name: allowed[0] }
        : mode === "ANY"
          ? { type: "required" }
          : { type: "auto" };
  const thinking = objectAt(objectAt(body.generationConfig)?.thinkingConfig);
  const budget = thinking?.thinkingBudget;
  const last = objectAt(contents.at(-1));
  const parts = arrayAt(last?.parts).map(objectAt);
  const request: DemoRequest = {
    userText: textOfParts(parts.filter((part) => part?.thought !== true)),
    tools: allowed.length > 0 ? tools.filter((tool) => allowed.includes(tool.name)) : tools,
    toolChoice,
    wantsReasoning: thinking?.includeThoughts === true || (typeof budget === "number" && budget > 0),
  };
  const response = parts
    .map((part) => objectAt(part?.functionResponse))
    .findLast((part) => part !== undefined);
  if (response === undefined) return request;
  const payload = objectAt(response.response);
  const content =
    payload !== undefined && Object.keys(payload).length === 1 && "output" in payload
      ? textOf(payload.output)
      : JSON.stringify(response.response ?? {});
  return withResult(request, stringAt(response.name), content);
}

/** Read the parts of a request the demo model answers to. Never throws on odd shapes. */
export function readDemoRequest(protocol: Protocol, body: unknown): DemoRequest {
  const object = isJsonObject(body) ? body : {};
  switch (protocol) {
    case "openai-chat":
      return readChat(object);
    case "openai-responses":
      return readResponses(object);
    case "anthropic":
      return readAnthropic(object);
    case "gemini":
      return readGemini(object);
    default:
      return assertNever(protocol, "protocol");
  }
}
