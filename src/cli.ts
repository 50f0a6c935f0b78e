/**
 * The command line: one table per command (src/commands/) produces both the parser
 * (node:util parseArgs) and the help text. This is the one place that catches errors,
 * prints them and chooses the exit code.
 */
import { parseArgs } from "node:util";
import type { Command, CommandIO, OptionTable, OptionValues } from "./commands/command.js";
import { commands } from "./commands/index.js";
import { ExitCode, ExitError } from "./errors.js";
import { version } from "./version.js";

const HELP_OPTION: OptionTable = {
  help: { type: "boolean", short: "h", description: "show help for this command" },
};

function defaultIO(): CommandIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

function formatOptions(options: OptionTable): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${
      spec.type === "string" ? ` ${spec.valueName ?? "VALUE"}` : ""
    }`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: gallop ${command.name} ${command.usage}`.trimEnd(), "", command.summary];
  if (command.details) lines.push("", command.details.trimEnd());
  lines.push("", "Options:", ...formatOptions({ ...command.options, ...HELP_OPTION }));
  return `${lines.join("\n")}\n`;
}

export function generalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "gallop — turn a YAML storyboard into finished video with the HppyHorse 1.1 API",
    "",
    "Usage: gallop <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `gallop <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/** Finds the command named by the first one or two words of argv. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  const two = `${argv[0]} ${argv[1]}`;
  const byTwo = commands.find((c) => c.name === two);
  if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  const byOne = commands.find((c) => c.name === argv[0]);
  return byOne ? { command: byOne, rest: argv.slice(1) } : undefined;
}

function suggestCommand(word: string): string {
  const names = [...new Set(commands.map((c) => c.name.split(" ")[0]))];
  const close = names.find((n) => n?.startsWith(word.slice(0, 3)));
  return close ? ` Did you mean \`gallop ${close}\`?` : "";
}

export async function main(argv: string[], io: CommandIO = defaultIO()): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === "help" || first === "--help" || first === "-h") {
    const topic = first === "help" && argv[1] ? findCommand(argv.slice(1)) : undefined;
    io.stdout.write(topic ? commandHelp(topic.command) : generalHelp());
    return first === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (first === "--version" || first === "-V") {
    io.stdout.write(`${version()}\n`);
    return ExitCode.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(
      `gallop: unknown command \`${first}\`.${suggestCommand(first)} Run \`gallop --help\` for the list.\n`,
    );
    return ExitCode.usage;
  }
  const { command, rest } = found;
  const options = { ...command.options, ...HELP_OPTION };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `gallop ${command.name}: ${message}\nRun \`gallop ${command.name} --help\` for usage.\n`,
    );
    return ExitCode.usage;
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return ExitCode.ok;
  }
  try {
    return await command.run({
      positionals: parsed.positionals,
      values: parsed.values as OptionValues,
      io,
    });
  } catch (error) {
    if (error instanceof ExitError) {
      io.stderr.write(`${error.message.replace(/\n?$/, "\n")}`);
      return error.exitCode;
    }
    // A bug, not bad input: say so plainly; the stack only when asked for.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `gallop ${command.name}: internal error: ${message}\n` +
        "This is a bug in gallop; please report it with GALLOP_DEBUG=1 output.\n",
    );
    if (io.env.GALLOP_DEBUG && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
    }
    return ExitCode.failed;
  }
}
