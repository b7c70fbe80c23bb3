import { agentSuite } from "./support/suite.js";

// Claude Code, headless (`claude -p`), allowed to use its Write tool without asking.
agentSuite("claude", {
  args: (prompt) => ["-p", prompt, "--allowedTools", "Write", "--output-format", "text"],
  launcherOptions: (route) => ["--small-model", route],
});
