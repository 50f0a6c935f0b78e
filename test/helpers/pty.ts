/**
 * Runs a command under a real pseudo-terminal (python3's pty module, no npm dependency), so a
 * test sees what a user at a terminal sees: isTTY on stdin/stdout/stderr, listr2's live rows,
 * and the y/N question. The test answers by writing to the terminal when the screen shows a
 * prompt.
 */
import { spawn, spawnSync } from "node:child_process";

/**
 * A relay: forks the command on a pty sized 120x40, copies the pty's output to stdout and this
 * process's stdin to the pty, and exits with the command's exit code (128 + n for a signal).
 */
const RELAY = `
import fcntl, os, select, struct, sys, termios
pid, fd = os.forkpty()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
inputs = [fd, 0]
while True:
    ready, _, _ = select.select(inputs, [], [])
    if 0 in ready:
        data = os.read(0, 1024)
        if data:
            os.write(fd, data)
        else:
            inputs.remove(0)
    if fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            break
        os.write(1, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
`;

/** Why pty tests cannot run here, or undefined when python3 with its pty module is present. */
export function ptyUnavailable(): string | undefined {
  const probe = spawnSync("python3", ["-c", "import pty, termios, fcntl"], { stdio: "ignore" });
  if (probe.error) return `python3 is not installed (${probe.error.message})`;
  if (probe.status !== 0) return "python3 has no pty/termios module on this platform";
  return undefined;
}

export interface PtyRun {
  /** everything the terminal showed so far (stdout and stderr interleaved, with escapes) */
  screen(): string;
  /** types text into the terminal */
  type(text: string): void;
  /** resolves once the screen matches */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<{ code: number | null; screen: string }>;
}

export function startPty(
  command: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): PtyRun {
  const child = spawn("python3", ["-c", RELAY, ...command], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let screen = "";
  const watchers = new Set<() => void>();
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    screen += chunk;
    for (const watch of watchers) watch();
  });
  const done = new Promise<{ code: number | null; screen: string }>((resolve) => {
    child.on("close", (code) => {
      for (const watch of watchers) watch();
      resolve({ code, screen });
    });
  });
  return {
    screen: () => screen,
    type: (text) => {
      child.stdin.write(text);
    },
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`the terminal never showed ${pattern}; it showed:\n${screen}`));
        }, timeoutMs);
        const check = () => {
          if (pattern.test(screen)) {
            clearTimeout(timer);
            watchers.delete(check);
            resolve();
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            watchers.delete(check);
            reject(new Error(`exited before showing ${pattern}; it showed:\n${screen}`));
          }
        };
        watchers.add(check);
        check();
      }),
    done,
  };
}
