import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ConfigError, type LoadOptions, loadConfig } from "../host/config/load.js";
import { startGateway } from "../host/control/kernel.js";
import { VERSION } from "../host/control/version.js";
import { describeConfig, startupBanner } from "./banner.js";
import { addLaunchCommands } from "./launch.js";

interface CommonOptions {
  config?: string;
  dataDir?: string;
}

interface StartFlags extends CommonOptions {
  host?: string;
  port?: number;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("must be 0-65535");
  return port;
}

function loadOptions(flags: CommonOptions): LoadOptions {
  const options: LoadOptions = {};
  if (flags.config !== undefined) options.configPath = flags.config;
  if (flags.dataDir !== undefined) options.dataDir = flags.dataDir;
  return options;
}

async function runStart(flags: StartFlags): Promise<number> {
  const config = loadConfig(loadOptions(flags));
  const options: { host?: string; port?: number } = {};
  if (flags.host !== undefined) options.host = flags.host;
  if (flags.port !== undefined) options.port = flags.port;
  const gateway = await startGateway(config, options);
  process.stderr.write(`${startupBanner(gateway.url, config, VERSION)}\n`);
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        process.stderr.write(`llmux: ${signal} again, exiting now\n`);
        resolve(1);
        return;
      }
      process.stderr.write(`llmux: ${signal} received, finishing in-flight requests\n`);
      gateway.stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

function runCheck(flags: CommonOptions): number {
  const config = loadConfig(loadOptions(flags));
  process.stdout.write(`${describeConfig(config)}\nconfiguration is valid\n`);
  return 0;
}

/** The CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command("llmux")
    .description("An LLM gateway: every client, every model, one port.")
    .version(VERSION, "-v, --version")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command("start", { isDefault: true })
    .description("start the gateway (built-in demo model when there is no config)")
    .option("-c, --config <file>", "config file (default: ./llmux.yaml, then ~/.llmux/config.yaml)")
    .option("--host <host>", "listen address (default 127.0.0.1)")
    .option("-p, --port <port>", "listen port (default 8700)", parsePort)
    .option("--data-dir <dir>", "where state is kept between runs (default ~/.llmux or $LLMUX_HOME)")
    .action(async (flags: StartFlags) => {
      exitCode = await runStart(flags);
    });

  program
    .command("check")
    .description("validate the configuration and print the resolved providers and routes")
    .option("-c, --config <file>", "config file")
    .option("--data-dir <dir>", "data directory")
    .action((flags: CommonOptions) => {
      exitCode = runCheck(flags);
    });

  addLaunchCommands(program, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ConfigError) {
      process.stderr.write(`llmux: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  return exitCode;
}
