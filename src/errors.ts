/**
 * The few error classes gallop throws. They are caught in exactly one place (src/cli.ts),
 * which turns them into a message and an exit code; nothing else prints a stack trace.
 */

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A message for the user, ending the command with the given exit code. */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failed,
  ) {
    super(message);
    this.name = "ExitError";
  }
}

/** Bad command-line usage (unknown flag, missing argument). Exit code 2. */
export class UsageError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = "UsageError";
  }
}

/** A storyboard, lockfile or other input file the user must fix. Exit code 2. */
export class InputError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = "InputError";
  }
}
