/**
 * The shape of a gallop command. Each command is one table of options plus a `run`
 * function; src/cli.ts turns the tables into both the parser and the help text.
 */

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** shown in help, e.g. "N" for --concurrency N */
  valueName?: string;
  description: string;
  multiple?: boolean;
}

export type OptionTable = Record<string, OptionSpec>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Where a command reads and writes; tests pass their own. */
export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CommandArgs {
  positionals: string[];
  values: OptionValues;
  io: CommandIO;
}

export interface Command {
  /** one or two words, e.g. "run" or "lock merge" */
  name: string;
  summary: string;
  /** positional arguments as shown in help, e.g. "FILE..." */
  usage: string;
  /** longer help text shown by `gallop help NAME` (optional) */
  details?: string;
  options: OptionTable;
  /** returns the exit code */
  run(args: CommandArgs): Promise<number>;
}

/** Reads a string option, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** Reads a boolean option (false when absent). */
export function booleanOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}
