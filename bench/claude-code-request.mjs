// A Claude-Code-sized Anthropic Messages request (~100 KB): a long cached system prompt, a
// dozen and a half tools with JSON schemas, and a multi-turn history of tool calls whose results
// carry file contents. Deterministic (a seeded generator), so every run sends the same bytes.

const WORDS = (
  "the a function return const let if else for while await async import export from class new " +
  "this value result error request response stream token model provider route config test file " +
  "path buffer string number object array map set promise handler server client gateway event"
).split(" ");

/** @param {number} seed */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

/**
 * @param {() => number} random
 * @param {number} count
 */
function prose(random, count) {
  const words = [];
  for (let index = 0; index < count; index++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
  return words.join(" ");
}

/**
 * @param {() => number} random
 * @param {number} lines
 */
function sourceFile(random, lines) {
  const out = [];
  for (let line = 1; line <= lines; line++) {
    const indent = "  ".repeat(Math.floor(random() * 3));
    out.push(`${String(line).padStart(5)}\t${indent}${prose(random, 4 + Math.floor(random() * 8))};`);
  }
  return out.join("\n");
}

const TOOL_NAMES = [
  "Task",
  "Bash",
  "Glob",
  "Grep",
  "LS",
  "ExitPlanMode",
  "Read",
  "Edit",
  "MultiEdit",
  "Write",
  "NotebookEdit",
  "WebFetch",
  "TodoWrite",
  "WebSearch",
  "BashOutput",
  "KillShell",
  "SlashCommand",
];

/**
 * @param {() => number} random
 * @param {string} name
 */
function tool(random, name) {
  return {
    name,
    description: prose(random, 180),
    input_schema: {
      type: "object",
      $schema: "http://json-schema.org/draft-07/schema#",
      additionalProperties: false,
      required: ["command"],
      properties: {
        command: { type: "string", description: prose(random, 25) },
        timeout: { type: "number", description: prose(random, 12) },
        description: { type: "string", description: prose(random, 20) },
        options: {
          type: "array",
          items: { type: "object", properties: { key: { type: "string" }, value: { type: "string" } } },
        },
      },
    },
  };
}

/**
 * An Anthropic Messages body of at least `targetBytes` of JSON (without `model` and `stream`,
 * which the caller sets).
 * @param {number} [targetBytes]
 * @returns {Record<string, unknown>}
 */
export function claudeCodeRequest(targetBytes = 100 * 1024) {
  const random = generator(42);
  const system = [
    { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
    { type: "text", text: prose(random, 2200), cache_control: { type: "ephemeral" } },
  ];
  const tools = TOOL_NAMES.map((name) => tool(random, name));
  /** @type {Record<string, unknown>[]} */
  const messages = [
    {
      role: "user",
      content: [
        { type: "text", text: `<system-reminder>${prose(random, 120)}</system-reminder>` },
        { type: "text", text: "Fix the failing test in the request pipeline and explain the change." },
      ],
    },
  ];
  const body = {
    max_tokens: 32000,
    system,
    tools,
    messages,
    metadata: { user_id: "user_bench_account__session_00000000-0000-4000-8000-000000000000" },
    thinking: { type: "enabled", budget_tokens: 8000 },
  };
  let turn = 0;
  while (JSON.stringify(body).length < targetBytes && turn < 200) {
    const id = `toolu_01${String(turn).padStart(22, "0")}`;
    messages.push({
      role: "assistant",
      content: [
        { type: "text", text: prose(random, 30) },
        { type: "tool_use", id, name: "Read", input: { file_path: `/work/project/src/file-${turn}.ts` } },
      ],
    });
    messages.push({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: id, content: sourceFile(random, 40) }],
    });
    turn++;
  }
  messages.push({ role: "user", content: "Now run the tests again." });
  return body;
}
