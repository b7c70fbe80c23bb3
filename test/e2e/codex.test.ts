import { agentSuite } from "./support/suite.js";

// Codex CLI, headless (`codex exec`), running its shell tool without a sandbox (the work dir is a temp dir).
agentSuite("codex", {
  args: (prompt) => ["exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", prompt],
});
