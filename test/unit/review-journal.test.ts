/**
 * Red-team review of journal recovery: a run that died mid-write leaves a torn last line.
 * Before the fix, the next run appended its own entries right after the torn bytes, so its
 * first entry was glued onto the fragment; if that run died too, the journal could no longer
 * be read at all (and the task ids it held were only in it).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LockTake, loadLock, lockStatePaths, openLock } from "../../src/lock/index.js";

const fp = "a".repeat(64);
const rec = (take: number, extra: Partial<LockTake>): LockTake => ({
  take,
  state: "submitting",
  fingerprint: fp,
  request: {
    model: "happyhorse-1-1/text-to-video",
    prompt: "p",
    duration: 5,
    resolution: "1080p",
  },
  ...extra,
});

let dir: string;
let lockPath: string;
let storyboardFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gallop-review-journal-"));
  lockPath = join(dir, "teaser.lock");
  storyboardFile = join(dir, "teaser.yaml");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("journal with a torn last line", () => {
  it("a second crash after recovering from a torn line keeps every task id", async () => {
    const paths = lockStatePaths(lockPath);
    await mkdir(paths.stateDir, { recursive: true });
    const whole = JSON.stringify({ t: "take", shot: "a", rec: rec(1, { state: "submitting" }) });
    const torn = JSON.stringify({
      t: "take",
      shot: "a",
      rec: rec(1, { state: "submitted", task_id: "T-a", submitted_at: "2026-01-01T00:00:00.000Z" }),
    }).slice(0, 40);
    await writeFile(paths.journal, `${whole}\n${torn}`);

    // Run 2 recovers (a → uncertain), records a paid task for b, then dies (no close).
    const run2 = await openLock({ lockPath, storyboardFile, shotOrder: ["a", "b"] });
    expect(run2.madeUncertain).toEqual([{ shot: "a", take: 1 }]);
    await run2.session.recordTake(
      "b",
      rec(1, { state: "submitted", task_id: "T-b", submitted_at: "2026-01-01T00:00:00.000Z" }),
    );
    run2.session.abandon();

    // Run 3 (or plan/status) must still read everything run 2 recorded.
    const loaded = await loadLock(lockPath, storyboardFile);
    expect(loaded.state.take("b", 1)?.task_id).toBe("T-b");
    expect(loaded.state.take("a", 1)?.state).toBe("uncertain");
    const lines = (await readFile(paths.journal, "utf8")).trim().split("\n");
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("a journal holding only a torn fragment does not swallow the next entry", async () => {
    const paths = lockStatePaths(lockPath);
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(paths.journal, '{"t":"take","shot":"a","rec":{"ta');
    const run2 = await openLock({ lockPath, storyboardFile, shotOrder: ["a"] });
    await run2.session.recordTake(
      "a",
      rec(1, { state: "submitted", task_id: "T-1", submitted_at: "2026-01-01T00:00:00.000Z" }),
    );
    await run2.session.recordTake(
      "a",
      rec(2, { state: "submitted", task_id: "T-2", submitted_at: "2026-01-01T00:00:00.000Z" }),
    );
    run2.session.abandon();
    const loaded = await loadLock(lockPath, storyboardFile);
    expect(loaded.state.take("a", 1)?.task_id).toBe("T-1");
    expect(loaded.state.take("a", 2)?.task_id).toBe("T-2");
  });
});
