/**
 * Locating and running ffmpeg/ffprobe. Order: an explicit path (--ffmpeg / --ffprobe),
 * then GALLOP_FFMPEG / GALLOP_FFPROBE, then the binaries bundled by @ffmpeg-installer and
 * @ffprobe-installer (so `npm ci` is enough on a fresh machine, and every machine runs the
 * same version), then PATH.
 */
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { ExitError } from "../errors.js";

export type BinaryName = "ffmpeg" | "ffprobe";
export type BinarySource = "option" | "env" | "bundled" | "path";

export interface LocatedBinary {
  name: BinaryName;
  path: string;
  source: BinarySource;
}

export interface LocateOptions {
  /** explicit path from the command line */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
}

const require = createRequire(import.meta.url);
const ENV_NAMES: Record<BinaryName, string> = {
  ffmpeg: "GALLOP_FFMPEG",
  ffprobe: "GALLOP_FFPROBE",
};
const BUNDLES: Record<BinaryName, string> = {
  ffmpeg: "@ffmpeg-installer/ffmpeg",
  ffprobe: "@ffprobe-installer/ffprobe",
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function bundledPath(name: BinaryName): string | undefined {
  try {
    // The installer packages throw on platforms they have no binary for.
    const found = (require(BUNDLES[name]) as { path?: string }).path;
    return found && isExecutable(found) ? found : undefined;
  } catch {
    return undefined;
  }
}

function pathLookup(name: BinaryName, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const cache = new Map<string, LocatedBinary>();

/** Finds ffmpeg or ffprobe, or throws an ExitError saying how to provide one. */
export function locateBinary(name: BinaryName, options: LocateOptions = {}): LocatedBinary {
  const env = options.env ?? process.env;
  const fromEnv = env[ENV_NAMES[name]];
  const key = `${name}\0${options.explicit ?? ""}\0${fromEnv ?? ""}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let located: LocatedBinary | undefined;
  if (options.explicit) {
    if (!isExecutable(options.explicit)) {
      throw new ExitError(`--${name} ${options.explicit}: not an executable file.`);
    }
    located = { name, path: options.explicit, source: "option" };
  } else if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new ExitError(`${ENV_NAMES[name]}=${fromEnv}: not an executable file.`);
    }
    located = { name, path: fromEnv, source: "env" };
  } else {
    const bundled = bundledPath(name);
    const onPath = bundled ? undefined : pathLookup(name, env);
    if (bundled) located = { name, path: bundled, source: "bundled" };
    else if (onPath) located = { name, path: onPath, source: "path" };
  }
  if (!located) {
    throw new ExitError(
      `${name} was not found. Run \`npm ci\` to install the bundled one (${BUNDLES[name]}), ` +
        `install ${name} on your PATH, or point ${ENV_NAMES[name]} or --${name} at it.`,
    );
  }
  cache.set(key, located);
  return located;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** seconds of output written so far, from `-progress pipe:1` */
  onProgress?: (seconds: number) => void;
  ffmpegPath?: string;
}

/** How many of ffmpeg's last stderr lines an error quotes. */
const ERROR_TAIL_LINES = 6;

/** The last meaningful lines of ffmpeg's stderr, for error messages. */
export function lastErrorLines(stderr: string, count = ERROR_TAIL_LINES): string {
  return stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("frame=") && !line.startsWith("size="))
    .slice(-count)
    .join("\n");
}

/**
 * Runs ffmpeg with an argument array (never a shell string). Adds `-nostdin -hide_banner`
 * and, when onProgress is given, `-progress pipe:1`. Failures become an ExitError quoting
 * ffmpeg's own last error lines.
 */
export async function runFfmpeg(
  args: string[],
  options: RunOptions = {},
): Promise<{ stderr: string }> {
  const binary = options.ffmpegPath ?? locateBinary("ffmpeg").path;
  const progressArgs = options.onProgress ? ["-progress", "pipe:1", "-nostats"] : [];
  const child = execa(binary, ["-nostdin", "-hide_banner", ...progressArgs, ...args], {
    reject: false,
    cancelSignal: options.signal,
    stdin: "ignore",
    buffer: { stdout: !options.onProgress, stderr: true },
    maxBuffer: { stderr: 8 * 1024 * 1024 },
  });
  if (options.onProgress && child.stdout) {
    const onProgress = options.onProgress;
    let pending = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^out_time_(?:us|ms)=(\d+)/.exec(line);
        if (match?.[1]) onProgress(Number(match[1]) / 1e6);
      }
    });
  }
  const result = await child;
  if (result.isCanceled) throw new ExitError("ffmpeg was stopped.", 130);
  if (result.exitCode !== 0 || result.failed) {
    const stderr = typeof result.stderr === "string" ? result.stderr : "";
    const tail = lastErrorLines(stderr) || result.shortMessage || "no output";
    throw new ExitError(`ffmpeg failed (exit code ${result.exitCode ?? "?"}):\n${tail}`);
  }
  return { stderr: typeof result.stderr === "string" ? result.stderr : "" };
}

/**
 * Runs ffmpeg or ffprobe for its standard output (probing, `-filters`, `-version`).
 * Failures become an ExitError quoting the tool's last error lines.
 */
export async function captureOutput(
  binary: string,
  args: string[],
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  const result = await execa(binary, args, {
    reject: false,
    cancelSignal: options.signal,
    stdin: "ignore",
    maxBuffer: { stdout: 64 * 1024 * 1024, stderr: 8 * 1024 * 1024 },
  });
  if (result.isCanceled) throw new ExitError(`${binary} was stopped.`, 130);
  if (result.exitCode !== 0 || result.failed) {
    const stderr = typeof result.stderr === "string" ? result.stderr : "";
    const tail = lastErrorLines(stderr) || result.shortMessage || "no output";
    throw new ExitError(`${binary} failed (exit code ${result.exitCode ?? "?"}):\n${tail}`);
  }
  return typeof result.stdout === "string" ? result.stdout : "";
}
