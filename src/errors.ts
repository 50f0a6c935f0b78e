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
    // each subclass is named after its own class without repeating the name
    this.name = new.target.name;
  }
}

/** Bad command-line usage (unknown flag, missing argument). Exit code 2. */
export class UsageError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** A storyboard, lockfile or other input file the user must fix. Exit code 2. */
export class InputError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/**
 * Errors from the HppyHorse API. The client (src/api/) decides which are retried
 * (ARCHITECTURE.md, retry policy); the runner decides what each means for a take.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, when there was a response */
    readonly httpStatus?: number,
    /** the envelope's `code`, when there was one */
    readonly apiCode?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 401/403: the key was rejected. Stops the whole run. Never includes the key. */
export class AuthError extends ApiError {}

/** 400: the request is invalid; the shot fails with the API's own message. Never retried. */
export class BadRequestError extends ApiError {}

/** 429: slow down; `retryAfterMs` from the Retry-After header when given. */
export class RateLimitedError extends ApiError {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    httpStatus = 429,
  ) {
    super(message, httpStatus);
  }
}

/** 5xx, connection reset, timeout, malformed envelope: may succeed if tried again. */
export class TransientError extends ApiError {
  constructor(
    message: string,
    httpStatus?: number,
    apiCode?: number,
    /** true when the request provably never reached the server (e.g. ECONNREFUSED) */
    readonly notSent = false,
  ) {
    super(message, httpStatus, apiCode);
  }
}

/** 404 on status: the task is unknown or expired. */
export class TaskNotFoundError extends ApiError {}

/**
 * A generate request whose outcome is unknown: the body was sent, but no answer came
 * (timeout, reset). A task may exist and be billed; never resubmit automatically.
 */
export class UncertainSubmissionError extends ApiError {}

/** The task reached FAILED, or SUCCESS without a result URL. */
export class TaskFailedError extends ApiError {}

/** The per-take polling deadline passed; the task id is kept so a later run can poll again. */
export class PollTimeoutError extends ApiError {}

/** A download that could not be completed and verified (after its retries). */
export class DownloadError extends ApiError {}
