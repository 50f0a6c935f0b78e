/**
 * Runs the real bin (`node bin/gallop.js`, built by `npm run build`) as a child process: its
 * exit code, stdout and stderr, and with --json each event as it arrives, so a test can kill it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const bin = fileURLToPath(new URL("../../bin/gallop.js", import.meta.url));
/** The repository's root folder (where `examples/` is). */
export const root = fileURLToPath(new URL("../../", import.meta.url));

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface BinOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** kills the child (SIGKILL) when it runs longer */
  timeoutMs?: number;
}

export interface BinRun {
  child: ChildProcess;
  events: Record<string, unknown>[];
  done: Promise<BinResult>;
}

/**
 * Starts `node bin/gallop.js ...args`. `onEvent` sees each JSON line of stdout as it arrives
 * (with --json) and may kill the child.
 */
export function startBin(
  args: string[],
  options: BinOptions & {
    onEvent?: (event: Record<string, unknown>, run: BinRun) => void;
  } = {},
): BinRun {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: "SIGKILL" as const } : {}),
  });
  const events: Record<string, unknown>[] = [];
  let stdout = "";
  let stderr = "";
  let pending = "";
  const run: BinRun = { child, events, done: undefined as unknown as BinRun["done"] };
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // not an event line (e.g. pretty-printed JSON or a table)
      }
      if (typeof event !== "object" || event === null) continue;
      events.push(event);
      options.onEvent?.(event, run);
    }
  });
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  run.done = new Promise((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return run;
}

/** `gallop ...args` to the end: its exit code, stdout and stderr. */
export function runBin(args: string[], options: BinOptions = {}): Promise<BinResult> {
  return startBin(args, options).done;
}
