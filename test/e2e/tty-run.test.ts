/**
 * `gallop run` at a real terminal (issue 4): the plan summary and the y/N question before any
 * paid submission, --yes skipping it, listr2's live rows per take, and plain lines without a
 * terminal. The terminal is a real pseudo-terminal (python3's pty module, test/helpers/pty.ts);
 * the API is the real simulator over HTTP.
 */
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { bin, startBin } from "../helpers/bin.js";
import { ptyUnavailable, startPty } from "../helpers/pty.js";
import { generateAttempts, generates, useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

const noPty = ptyUnavailable();

const sim = useSimulator({ latencyMs: 200, jitter: 0.2, render: "cache", audio: "never" });

const runArgs = (file: string, ...extra: string[]) => [
  "run",
  file,
  "--base-url",
  sim.url,
  "--no-stitch",
  "--no-report",
  ...extra,
];
const env = () => ({ HPPYHORSE_API_KEY: sim.key, NO_COLOR: "1", CI: "", TERM: "xterm-256color" });
const plain = (screen: string) => stripVTControlCharacters(screen).replace(/\r/g, "");
const PROMPT = /Submit 2 paid generations \(6 s of video\)\? \[y\/N\] /;

/** `gallop run FILE` at a terminal. */
const atTerminal = (file: string, ...extra: string[]) =>
  startPty([process.execPath, bin, ...runArgs(file, ...extra)], { env: env() });

/** Runs at a terminal, types `keys` at the question, and returns the exit code and the screen. */
async function answered(file: string, keys: string) {
  const run = atTerminal(file);
  await run.waitFor(PROMPT);
  run.type(keys);
  const done = await run.done;
  return { code: done.code, screen: plain(done.screen) };
}

describe.skipIf(noPty)(`gallop run in a terminal${noPty ? ` (skipped: ${noPty})` : ""}`, () => {
  it("answering n at the question submits nothing and exits 1", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }]);
    try {
      const before = sim.requests.length;
      const { code, screen } = await answered(sb.file, "n\r");
      expect(code).toBe(1);
      expect(screen).toContain("2 paid generations, 6 s of video.");
      expect(screen).toContain(
        "Nothing submitted. Run it again and answer y, or pass --yes to submit without the question.",
      );
      expect(screen).not.toMatch(/\n\s+at /);
      expect(generateAttempts(sim.requests.slice(before))).toHaveLength(0);
    } finally {
      await sb.cleanup();
    }
  });

  // readline reads the terminal in raw mode: these keys reach it as keys, not signals
  it.each([
    { key: "Ctrl-C", bytes: "\u0003", code: 130, message: "Interrupted: nothing submitted." },
    { key: "Ctrl-D", bytes: "\u0004", code: 1, message: "Nothing submitted." },
  ])("$key at the question submits nothing and exits $code", async ({ bytes, code, message }) => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }]);
    try {
      const before = sim.requests.length;
      const answer = await answered(sb.file, bytes);
      const screen = answer.screen;
      expect(answer.code, screen).toBe(code);
      expect(screen).toContain(message);
      expect(screen).not.toContain("internal error");
      expect(screen).not.toMatch(/\n\s+at /);
      expect(generateAttempts(sim.requests.slice(before))).toHaveLength(0);
      // the run lock was released: the next run does not have to take it over
      const next = await answered(sb.file, "n\r");
      expect(next.screen).not.toContain("Took over the run lock");
    } finally {
      await sb.cleanup();
    }
  });

  it("answering y submits and shows one live row per take ending in succeeded with its task id", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }]);
    try {
      const before = sim.requests.length;
      const run = atTerminal(sb.file);
      await run.waitFor(PROMPT);
      expect(generateAttempts(sim.requests.slice(before))).toHaveLength(0);
      run.type("y\r");
      const done = await run.done;
      const screen = plain(done.screen);
      expect(done.code, screen).toBe(0);
      const submitted = generates(sim.requests.slice(before));
      expect(submitted).toHaveLength(2);
      // live: the rows were drawn while still working and redrawn in place (cursor up)
      expect(screen).toMatch(/a take 1 {2}waiting/);
      expect(done.screen).toContain("\u001b[1A");
      for (const [shot, request] of [
        ["a", submitted.find((r) => JSON.stringify(r.body).includes("Shot a:"))],
        ["b", submitted.find((r) => JSON.stringify(r.body).includes("Shot b:"))],
      ] as const) {
        expect(request?.taskId).toBeDefined();
        // listr2's default renderer: a tick, the take, its state, elapsed time and task id
        expect(screen).toMatch(
          new RegExp(`✔ ${shot} take 1 {2}succeeded {2}\\d+s {2}${request?.taskId}`),
        );
      }
    } finally {
      await sb.cleanup();
    }
  });

  it("--yes does not ask", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }]);
    try {
      const before = sim.requests.length;
      const run = atTerminal(sb.file, "--yes");
      const done = await run.done;
      const screen = plain(done.screen);
      expect(done.code, screen).toBe(0);
      expect(screen).toContain("2 paid generations, 6 s of video.");
      expect(screen).not.toContain("[y/N]");
      expect(generates(sim.requests.slice(before))).toHaveLength(2);
    } finally {
      await sb.cleanup();
    }
  });
});

describe("gallop run without a terminal", () => {
  it("proceeds without asking and prints plain lines", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }]);
    try {
      const before = sim.requests.length;
      const done = await startBin(runArgs(sb.file), { env: env() }).done;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toContain("2 paid generations, 6 s of video.");
      expect(done.stdout + done.stderr).not.toContain("[y/N]");
      const submitted = generates(sim.requests.slice(before));
      expect(submitted).toHaveLength(2);
      // no cursor movement or line erasing: plain lines a log file can keep
      expect(done.stdout + done.stderr).not.toMatch(/\u001b\[\d*[ABGKJ]/);
      for (const request of submitted) expect(done.stdout).toContain(request.taskId);
      expect(done.stdout).toMatch(/a take 1 {2}succeeded/);
      expect(done.stdout).toMatch(/b take 1 {2}succeeded/);
    } finally {
      await sb.cleanup();
    }
  });
});
