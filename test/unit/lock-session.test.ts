import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExitError, InputError } from "../../src/errors.js";
import {
  acquireRunLock,
  type LockTake,
  loadLock,
  lockStatePaths,
  openLock,
  parseLock,
} from "../../src/lock/index.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const fp = "f".repeat(64);
const request = {
  model: "happyhorse-1-1/text-to-video" as const,
  prompt: "p",
  duration: 5,
  resolution: "1080p" as const,
};
const submitting = (n: number): LockTake => ({
  take: n,
  state: "submitting",
  fingerprint: fp,
  request,
});

let dir: string;
let lockPath: string;
let storyboardFile: string;

beforeEach(async () => {
  dir = await tempDir("gallop-session-");
  lockPath = join(dir, "teaser.lock");
  storyboardFile = join(dir, "teaser.yaml");
});
afterEach(async () => {
  await removeDir(dir);
});

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

describe("lock session", () => {
  it("journals each transition, compacts on close and removes the journal", async () => {
    const opened = await openLock({ lockPath, storyboardFile, shotOrder: ["b", "a"] });
    const paths = lockStatePaths(lockPath);
    expect(await readFile(join(paths.stateDir, ".gitignore"), "utf8")).toContain("*");
    await opened.session.recordTake("a", submitting(1));
    await opened.session.recordTake("b", { ...submitting(1), state: "uncertain" });
    const journal = await readFile(paths.journal, "utf8");
    expect(journal.trim().split("\n")).toHaveLength(2);
    await opened.session.close();
    expect(existsSync(paths.journal)).toBe(false);
    expect(existsSync(paths.runLock)).toBe(false);
    const lock = parseLock(await readFile(lockPath, "utf8"), lockPath);
    expect(lock.shots.map((s) => s.id)).toEqual(["b", "a"]);
  });

  it("turns a submitting take left by a crash into uncertain, and writes the recovered lock", async () => {
    const paths = lockStatePaths(lockPath);
    await mkdir(paths.stateDir);
    await writeFile(
      paths.journal,
      `${JSON.stringify({ t: "take", shot: "a", rec: submitting(1) })}\n`,
    );
    const opened = await openLock({ lockPath, storyboardFile, shotOrder: ["a"] });
    expect(opened.madeUncertain).toEqual([{ shot: "a", take: 1 }]);
    expect(opened.recovered).toBe(1);
    const written = parseLock(await readFile(lockPath, "utf8"), lockPath);
    expect(written.shots[0]?.takes[0]?.state).toBe("uncertain");
    // a second crash right now must not lose it either: the journal says uncertain too
    opened.session.abandon();
    const reloaded = await loadLock(lockPath, storyboardFile);
    expect(reloaded.state.take("a", 1)?.state).toBe("uncertain");
  });

  it("never overwrites a damaged lockfile", async () => {
    await writeFile(lockPath, "version: 1\nstoryboard: x\nuploads: {}\nshots: [oops\n");
    const before = await readFile(lockPath, "utf8");
    await expect(openLock({ lockPath, storyboardFile, shotOrder: [] })).rejects.toThrow(InputError);
    expect(await readFile(lockPath, "utf8")).toBe(before);
    // and the run lock was released
    expect(existsSync(lockStatePaths(lockPath).runLock)).toBe(false);
  });
});

describe("run lock", () => {
  it("stops a second holder with who and since when", async () => {
    const path = join(dir, "x.run.lock");
    const first = acquireRunLock(path);
    try {
      expect(() => acquireRunLock(path)).toThrow(ExitError);
      expect(() => acquireRunLock(path)).toThrow(
        new RegExp(`pid ${process.pid} on ${hostname()}, since ${first.owner.started_at}`),
      );
    } finally {
      first.release();
    }
    acquireRunLock(path).release();
  });

  it("takes over a lock left by a dead process", async () => {
    const path = join(dir, "x.run.lock");
    const pid = await deadPid();
    await writeFile(
      path,
      JSON.stringify({ pid, host: hostname(), started_at: "2020-01-01T00:00:00Z" }),
    );
    const lock = acquireRunLock(path);
    expect(lock.tookOver?.pid).toBe(pid);
    expect(JSON.parse(await readFile(path, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("does not take over a live process's lock on another host", async () => {
    const path = join(dir, "x.run.lock");
    await writeFile(
      path,
      JSON.stringify({ pid: 1, host: "elsewhere", started_at: "2020-01-01T00:00:00Z" }),
    );
    expect(() => acquireRunLock(path)).toThrow(/another machine/);
  });
});
