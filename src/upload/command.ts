/**
 * Runs the storyboard's `upload:` command for one local image: argv with `{file}` and
 * `{sha256}` substituted, no shell (STYLE.md 7), a timeout, and a strict reading of its output.
 */
import { execa } from "execa";
import * as say from "./messages.js";

/** A local image to upload: as written in the storyboard, its absolute path and content hash. */
export interface LocalImage {
  path: string;
  absPath: string;
  sha256: string;
}

/** Default limit for one upload: long enough for a large image on a slow link. */
export const UPLOAD_TIMEOUT_MS = 120_000;

/** How much of the command's output an error quotes. */
const TAIL_LINES = 8;
const TAIL_CHARS = 1_000;

export interface UploadCommandOptions {
  /** where the command runs (the storyboard's folder) */
  cwd: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** `{file}` → the absolute path, `{sha256}` → the content hash, in every argument. */
export function uploadArgv(command: readonly string[], image: LocalImage): string[] {
  return command.map((arg) =>
    arg.replaceAll("{file}", image.absPath).replaceAll("{sha256}", image.sha256),
  );
}

/** The last lines of some output, at most TAIL_CHARS characters. */
export function tail(text: string): string {
  const lines = text.replace(/\s+$/, "").split("\n").slice(-TAIL_LINES).join("\n");
  return lines.length > TAIL_CHARS ? `…${lines.slice(-TAIL_CHARS)}` : lines;
}

/** The URL the command printed: its last non-empty stdout line, if that is one http(s) URL. */
export function urlFromOutput(stdout: string): string | undefined {
  const last = stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .pop();
  if (!last || /\s/.test(last)) return undefined;
  try {
    const url = new URL(last);
    return (url.protocol === "https:" || url.protocol === "http:") && url.host ? last : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the command for one image; resolves to the URL it printed or rejects with a clear Error. */
export async function runUploadCommand(
  command: readonly string[],
  image: LocalImage,
  options: UploadCommandOptions,
): Promise<string> {
  const [program, ...args] = uploadArgv(command, image);
  if (!program) throw new Error(say.commandCouldNotStart(image.path, "", "the command is empty"));
  const timeoutMs = options.timeoutMs ?? UPLOAD_TIMEOUT_MS;
  const result = await execa(program, args, {
    cwd: options.cwd,
    timeout: timeoutMs,
    reject: false,
    stdin: "ignore",
    stripFinalNewline: false,
    forceKillAfterDelay: 2_000,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
  });
  const stdout = String(result.stdout ?? "");
  const stderr = tail(String(result.stderr ?? ""));
  if (result.timedOut) throw new Error(say.commandTimedOut(image.path, timeoutMs / 1000, stderr));
  if (result.code === "ENOENT" && result.exitCode === undefined) {
    throw new Error(say.commandNotFound(image.path, command[0] ?? ""));
  }
  if (result.exitCode === undefined && !result.signal) {
    throw new Error(
      say.commandCouldNotStart(
        image.path,
        command[0] ?? "",
        result.originalMessage ?? result.shortMessage ?? "unknown error",
      ),
    );
  }
  if (result.signal) {
    throw new Error(say.commandFailed(image.path, `was killed by ${result.signal}`, stderr));
  }
  if (result.exitCode !== 0) {
    throw new Error(say.commandFailed(image.path, `exited with code ${result.exitCode}`, stderr));
  }
  const url = urlFromOutput(stdout);
  if (!url) throw new Error(say.commandNoUrl(image.path, tail(stdout)));
  return url;
}
