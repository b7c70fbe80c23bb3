import { agentSuite } from "./support/suite.js";

// Gemini CLI, headless (`gemini -p`), approving its own tool calls, in a work dir it is told to trust.
agentSuite("gemini", {
  args: (prompt) => ["-p", prompt, "--approval-mode", "yolo"],
  env: { GEMINI_CLI_TRUST_WORKSPACE: "true" },
});
