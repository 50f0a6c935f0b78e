import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LockTake, lockStatePaths, openLock, parseJournal } from "../../src/lock/index.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const take: LockTake = {
  take: 1,
  state: "submitted",
  fingerprint: "f".repeat(64),
  request: {
    model: "happyhorse-1-1/text-to-video",
    prompt: "p",
    duration: 5,
    resolution: "1080p",
  },
  task_id: "paid-task-1",
};

let dir: string;
beforeEach(async () => {
  dir = await tempDir("gallop-compact-");
});
afterEach(async () => {
  await removeDir(dir);
});

describe("a lockfile write that fails mid-run (e.g. a full disk)", () => {
  it("does not crash the run from the background timer, keeps the journal, and close() reports it", async () => {
    const lockPath = join(dir, "teaser.lock");
    const opened = await openLock({
      lockPath,
      storyboardFile: join(dir, "teaser.yaml"),
      shotOrder: ["a"],
      compactEveryMs: 20,
    });
    // The lockfile's place is taken by a folder: every atomic rename onto it fails.
    await rm(lockPath, { force: true });
    await mkdir(join(lockPath, "blocker"), { recursive: true });
    await opened.session.recordTake("a", take);
    // Let the background compaction fire and fail; an unhandled rejection would fail this test.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(opened.session.close()).rejects.toThrow(
      /could not write the lockfile.*Nothing is lost/s,
    );
    // The paid task id is still on disk, in the journal, for the next run to replay.
    const paths = lockStatePaths(lockPath);
    const entries = parseJournal(await readFile(paths.journal, "utf8"), paths.journal);
    expect(entries.some((e) => e.t === "take" && e.rec.task_id === "paid-task-1")).toBe(true);
  });
});
