import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { type LoadOptions, loadConfig } from "../host/config/load.js";
import type { ResolvedConfig } from "../host/config/resolved.js";
import { AGENT_IDS, AGENTS, type AgentId, agentSettings, type LaunchContext } from "../host/launch/agents.js";
import { findOnPath } from "../host/launch/find-binary.js";
import { ensureGateway, gatewayUrl, launchKey, probeGateway } from "../host/launch/gateway-process.js";
import { agentEnvironment, runAgent, writeAgentFiles } from "../host/launch/run-agent.js";
import { shellQuote } from "./shell.js";

/** `llmux claude|codex|gemini [-- args]` and `llmux env <agent>`: coding agents wired to llmux. */

interface LaunchFlags {
  config?: string;
  dataDir?: string;
  model?: string;
  smallModel?: string;
  start?: boolean;
}

const ENTRY = fileURLToPath(new URL("../../bin/llmux.js", import.meta.url));

function loadFor(flags: LaunchFlags): { config: ResolvedConfig; startArgs: string[] } {
  const options: LoadOptions = {};
  const startArgs: string[] = [];
  if (flags.config !== undefined) {
    options.configPath = flags.config;
    startArgs.push("--config", flags.config);
  }
  if (flags.dataDir !== undefined) {
    options.dataDir = flags.dataDir;
    startArgs.push("--data-dir", flags.dataDir);
  }
  return { config: loadConfig(options), startArgs };
}

function launchContext(config: ResolvedConfig, url: string, flags: LaunchFlags): LaunchContext {
  const context: LaunchContext = {
    url,
    apiKey: launchKey(config, process.env),
    agentDir: `${config.dataDir}/agents`,
  };
  if (flags.model !== undefined) context.model = flags.model;
  if (flags.smallModel !== undefined) context.smallModel = flags.smallModel;
  return context;
}

function say(text: string): void {
  process.stderr.write(`llmux: ${text}\n`);
}

async function launch(agent: AgentId, flags: LaunchFlags, args: string[]): Promise<number> {
  const info = AGENTS[agent];
  const path = findOnPath(info.bin);
  if (path === undefined) {
    say(
      `${info.title} is not installed: there is no \`${info.bin}\` on PATH.\n` +
        `       Install it with \`npm install -g ${info.npmPackage}\`, then run \`llmux ${agent}\` again.`,
    );
    return 127;
  }
  const { config, startArgs } = loadFor(flags);
  let url = gatewayUrl(config);
  if (flags.start === false) {
    const probe = await probeGateway(url);
    if (probe.state !== "llmux") {
      say(`no llmux is running on ${url} (and --no-start was given); start it with \`llmux start\``);
      return 1;
    }
  } else {
    const gateway = await ensureGateway(config, { entry: ENTRY, startArgs, env: process.env });
    if (!gateway.ok) {
      say(gateway.message);
      return 1;
    }
    url = gateway.url;
    if (gateway.started !== undefined) {
      say(
        `started llmux in the background on ${url} (pid ${gateway.started.pid}, log ${gateway.started.log}); ` +
          `it keeps running after ${info.title} exits: stop it with \`kill ${gateway.started.pid}\``,
      );
    }
  }
  const settings = agentSettings(agent, launchContext(config, url, flags), args);
  writeAgentFiles(settings);
  return runAgent(path, [...settings.args, ...args], agentEnvironment(process.env, settings));
}

/** The settings as POSIX shell lines (`eval "$(llmux env codex)"`). */
export function shellLines(agent: AgentId, context: LaunchContext): string[] {
  const info = AGENTS[agent];
  const settings = agentSettings(agent, context);
  const lines = [`# ${info.title} through llmux at ${context.url}: eval "$(llmux env ${agent})"`];
  for (const name of settings.unset) lines.push(`unset ${name}`);
  for (const [name, value] of Object.entries(settings.env)) lines.push(`export ${name}=${shellQuote(value)}`);
  if (settings.args.length > 0) {
    const command = [info.bin, ...settings.args].map(shellQuote).join(" ");
    lines.push(`alias ${info.bin}=${shellQuote(command)}`);
  }
  return lines;
}

async function printEnv(agentName: string, flags: LaunchFlags): Promise<number> {
  if (!(AGENT_IDS as readonly string[]).includes(agentName)) {
    say(`unknown agent "${agentName}": choose one of ${AGENT_IDS.join(", ")}`);
    return 2;
  }
  const agent = agentName as AgentId;
  const { config } = loadFor(flags);
  const url = gatewayUrl(config);
  const context = launchContext(config, url, flags);
  writeAgentFiles(agentSettings(agent, context));
  process.stdout.write(`${shellLines(agent, context).join("\n")}\n`);
  const probe = await probeGateway(url);
  if (probe.state !== "llmux") say(`note: llmux is not running on ${url} yet; start it with \`llmux start\``);
  return 0;
}

function commonOptions(command: Command, agent?: AgentId): Command {
  command
    .option("-c, --config <file>", "config file (as for `llmux start`)")
    .option("--data-dir <dir>", "data directory (as for `llmux start`)")
    .option("-m, --model <route>", "route the agent's main model to this route or model");
  if (agent === undefined || agent === "claude")
    command.option("--small-model <route>", "Claude Code: route for its small background model");
  return command;
}

/** Add the launcher commands to the CLI; `setExit` receives each command's exit code. */
export function addLaunchCommands(program: Command, setExit: (code: number) => void): void {
  for (const agent of AGENT_IDS) {
    const info = AGENTS[agent];
    const command = program
      .command(agent)
      .description(`start ${info.title} with all its model traffic through llmux (starting llmux if needed)`)
      .argument("[args...]", `arguments for ${info.bin} (after --)`)
      .option("--no-start", "do not start llmux in the background; fail if it is not running")
      .allowUnknownOption()
      .passThroughOptions();
    commonOptions(command, agent).action(async (args: string[], flags: LaunchFlags) => {
      setExit(await launch(agent, flags, args));
    });
  }
  commonOptions(
    program
      .command("env")
      .description('print the shell settings that point an agent at llmux (eval "$(llmux env claude)")')
      .argument("<agent>", AGENT_IDS.join(" | ")),
  ).action(async (agent: string, flags: LaunchFlags) => {
    setExit(await printEnv(agent, flags));
  });
}
