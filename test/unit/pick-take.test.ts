import { writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExitError, UsageError } from "../../src/errors.js";
import { type LockTake, loadLock, lockStatePaths, openLock } from "../../src/lock/index.js";
import { loadStoryboard } from "../../src/manifest/index.js";
import { filmClips } from "../../src/media/clips.js";
import { lockPathFor } from "../../src/paths.js";
import { takeLabel } from "../../src/takes/index.js";
import { parseTake, pickTake } from "../../src/takes/pick.js";
import type { Storyboard } from "../../src/types.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const YAML = `version: 1
name: teaser
defaults: { model: text-to-video, duration: 3, resolution: 720p }
shots:
  - id: opening
    prompt: A field at dawn
  - id: hero
    prompt: A horse gallops
    takes: 3
`;

let dir: string;
let storyboard: Storyboard;

async function record(shot: string, takes: Partial<LockTake>[]) {
  const lockPath = lockPathFor(storyboard.file);
  const { session } = await openLock({
    lockPath,
    storyboardFile: storyboard.file,
    shotOrder: ["opening", "hero"],
  });
  const s = storyboard.shots.find((x) => x.id === shot)!;
  for (const t of takes) {
    const rec: LockTake = {
      take: 1,
      state: "succeeded",
      fingerprint: s.fingerprint,
      request: s.request,
      task_id: `task-${shot}-${t.take ?? 1}`,
      submitted_at: "2026-01-01T00:00:00.000Z",
      finished_at: "2026-01-01T00:01:00.000Z",
      clip: `out/teaser/${shot}.mp4`,
      bytes: 1,
      sha256: "e".repeat(64),
      ...t,
    } as LockTake;
    await session.recordTake(shot, rec);
  }
  await session.close();
}

beforeEach(async () => {
  dir = await tempDir("gallop-pick-");
  await writeFile(join(dir, "teaser.yaml"), YAML);
  storyboard = await loadStoryboard(join(dir, "teaser.yaml"));
});
afterEach(async () => {
  await removeDir(dir);
});

describe("gallop pick", () => {
  it("records picked_take, and the film then uses that take's clip", async () => {
    await record("opening", [{ take: 1 }]);
    await record("hero", [{ take: 1 }, { take: 2 }, { take: 3, state: "failed", error: "NSFW" }]);
    expect(filmClips(storyboard).map((c) => c.path)).toEqual([
      join(dir, "out/teaser/opening.mp4"),
      join(dir, "out/teaser/hero.mp4"),
    ]);
    const result = await pickTake(storyboard, "hero", 2, { cwd: dir });
    expect(result).toMatchObject({ shot: "hero", take: 2, takes: 3, previous: 1, changed: true });
    const { state } = await loadLock(lockPathFor(storyboard.file), storyboard.file);
    expect(state.shot("hero")?.picked_take).toBe(2);
    expect(state.take("hero", 1)?.task_id).toBe("task-hero-1"); // nothing else touched
    expect(filmClips(storyboard).map((c) => c.path)).toEqual([
      join(dir, "out/teaser/opening.mp4"),
      join(dir, "out/teaser/hero.take2.mp4"),
    ]);
    expect((await pickTake(storyboard, "hero", 2)).changed).toBe(false);
  });

  it("refuses an unknown shot, a take out of range, or a take that did not succeed, saying what to do", async () => {
    await record("hero", [{ take: 1 }, { take: 3, state: "failed", error: "NSFW" }]);
    await expect(pickTake(storyboard, "heroo", 1)).rejects.toThrow(
      /no shot `heroo`\. Did you mean `hero`\?/,
    );
    await expect(pickTake(storyboard, "hero", 4)).rejects.toThrow(UsageError);
    await expect(pickTake(storyboard, "hero", 4)).rejects.toThrow(
      /takes 1-3; take 4 is not one of them/,
    );
    await expect(pickTake(storyboard, "opening", 2)).rejects.toThrow(/has one take/);
    await expect(pickTake(storyboard, "hero", 2)).rejects.toThrow(
      /has not been generated yet\. Run `gallop run/,
    );
    await expect(pickTake(storyboard, "hero", 3)).rejects.toThrow(
      /is failed \(NSFW\), so it has no clip/,
    );
    expect(() => parseTake("two")).toThrow(/whole number from 1 to 8/);
    expect(() => parseTake("9")).toThrow(UsageError);
  });

  it("refuses a take generated from an older version of the shot", async () => {
    await record("hero", [{ take: 1 }, { take: 2, fingerprint: "0".repeat(64) }]);
    await expect(pickTake(storyboard, "hero", 2)).rejects.toThrow(/earlier version of the shot/);
  });

  it("waits for no one: a run in progress holds the run lock and pick says so", async () => {
    await record("hero", [{ take: 1 }, { take: 2 }]);
    const paths = lockStatePaths(lockPathFor(storyboard.file));
    // The test process itself stands for the running gallop (alive, same host).
    await writeFile(
      paths.runLock,
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        started_at: "2026-01-01T00:00:00.000Z",
      }),
    );
    const error = await pickTake(storyboard, "hero", 2).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ExitError);
    expect((error as Error).message).toMatch(
      /Another gallop run is already working on this storyboard/,
    );
    const { state } = await loadLock(lockPathFor(storyboard.file), storyboard.file);
    expect(state.shot("hero")?.picked_take).toBeUndefined();
  });

  it("shows takes as `take 2/3 *picked*`", () => {
    expect(takeLabel(2, 3, 2)).toBe("take 2/3 *picked*");
    expect(takeLabel(1, 3, undefined)).toBe("take 1/3 *picked*");
    expect(takeLabel(3, 3, 1)).toBe("take 3/3");
    expect(takeLabel(1, 1, undefined)).toBe("take 1");
    expect(takeLabel(4, 2, 1)).toBe("take 4 (unused)");
    expect(takeLabel(3, 2, 3)).toBe("take 3 (unused) *picked*");
  });
});
