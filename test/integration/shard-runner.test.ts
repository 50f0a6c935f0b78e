/** Shards against the simulator: parallel shard runs on one machine, merge, resharding after growth. */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/index.js";
import { loadLock, parseLock } from "../../src/lock/index.js";
import { loadStoryboard } from "../../src/manifest/index.js";
import { lockPathFor } from "../../src/paths.js";
import { checkClips, planRun, readClipCache, runStoryboard } from "../../src/run/index.js";
import { mergeShardLocks, shardLockPath, shardOf } from "../../src/shard/index.js";
import { generates, useSimulator } from "../helpers/simulator.js";
import { storyboardYaml, tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 100, jitter: 0.3, render: "cache", audio: "never" });

const ids = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: `row-${from + i}` }));

async function runShard(file: string, index: number, count: number) {
  const storyboard = await loadStoryboard(file);
  let stitched = false;
  const result = await runStoryboard(storyboard, {
    client: createClient({ baseUrl: sim.url, apiKey: sim.key, requestTimeoutMs: 5_000 }),
    shard: { index, count },
    stitch: async () => {
      stitched = true;
      throw new Error("a shard must not stitch");
    },
  });
  return { result, stitched };
}

async function mainPlan(file: string) {
  const storyboard = await loadStoryboard(file);
  const { state } = await loadLock(lockPathFor(file), file);
  const clips = await checkClips(storyboard, state, {
    lockDir: storyboard.dir,
    cache: await readClipCache("/nonexistent"),
  });
  return planRun(storyboard, state, { clips });
}

describe("shards", () => {
  it("are folded into the main lock by an unsharded run before merge, so nothing is paid twice", async () => {
    const sb = await tempStoryboard(ids(6));
    try {
      for (const i of [1, 2]) expect((await runShard(sb.file, i, 2)).result.exitCode).toBe(0);
      const before = sim.requests.length;
      const storyboard = await loadStoryboard(sb.file);
      const notices: string[] = [];
      const result = await runStoryboard(storyboard, {
        client: createClient({ baseUrl: sim.url, apiKey: sim.key, requestTimeoutMs: 5_000 }),
        onEvent: (e) => {
          if (e.event === "notice") notices.push(e.message);
        },
      });
      expect(result.exitCode).toBe(0);
      expect(result.plan.summary.byKind.skip).toBe(6);
      expect(generates(sim.requests.slice(before))).toHaveLength(0);
      expect(notices.join("\n")).toMatch(/Folded \d+ records from shard lockfiles/);
      expect(parseLock(await readFile(lockPathFor(sb.file), "utf8"), "main").shots).toHaveLength(6);
    } finally {
      await sb.cleanup();
    }
  });

  it("run in parallel into their own locks, merge into one, and reshard without paying twice", async () => {
    const sb = await tempStoryboard(ids(12), { concurrency: 4 });
    try {
      const before = sim.requests.length;
      const runs = await Promise.all([1, 2, 3].map((i) => runShard(sb.file, i, 3)));
      for (const { result, stitched } of runs) {
        expect(result.exitCode).toBe(0);
        expect(stitched).toBe(false);
      }
      expect(generates(sim.requests.slice(before))).toHaveLength(12);
      for (const i of [1, 2, 3]) {
        const path = shardLockPath(sb.file, { index: i, count: 3 });
        const lock = parseLock(await readFile(path, "utf8"), path);
        expect(lock.shots.map((s) => s.id)).toEqual(
          ids(12)
            .map((s) => s.id)
            .filter((id) => shardOf(id, 3) === i),
        );
        // Clips are recorded relative to the shard lock's folder.
        expect(lock.shots[0]?.takes[0]?.clip).toMatch(/^\.\.\/out\/crash\/row-\d+\.mp4$/);
      }
      expect(existsSync(join(sb.dir, "crash.lock.d/.gallop/shard-1-of-3.run.lock"))).toBe(false);

      const storyboard = await loadStoryboard(sb.file);
      const merged = await mergeShardLocks(storyboard, { cwd: sb.dir });
      expect(merged.conflicts).toEqual([]);
      expect(merged.sources.map((s) => s.path)).toEqual([
        "crash.lock.d/shard-1-of-3.lock",
        "crash.lock.d/shard-2-of-3.lock",
        "crash.lock.d/shard-3-of-3.lock",
      ]);
      const mainLock = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "main");
      expect(mainLock.shots.map((s) => s.id)).toEqual(ids(12).map((s) => s.id));
      expect(mainLock.shots[0]?.takes[0]?.clip).toBe(`out/crash/row-0.mp4`);
      const plan = await mainPlan(sb.file);
      expect(plan.summary.byKind.skip).toBe(12);
      expect(plan.summary.paidGenerations).toBe(0);
      // Merging again changes nothing.
      expect((await mergeShardLocks(storyboard)).written).toBe(0);

      // From CI artifacts (each shard's files in its own folder), into a fresh main lock:
      // the same lock, clip paths still relative to the main lock's folder.
      const mainText = await readFile(lockPathFor(sb.file), "utf8");
      for (const i of [1, 2, 3]) {
        const name = `shard-${i}-of-3.lock`;
        await mkdir(join(sb.dir, "artifacts", `shard-${i}`, "crash.lock.d"), { recursive: true });
        await rename(
          join(sb.dir, "crash.lock.d", name),
          join(sb.dir, "artifacts", `shard-${i}`, "crash.lock.d", name),
        );
      }
      await rm(lockPathFor(sb.file));
      const fromArtifacts = await mergeShardLocks(storyboard, {
        from: join(sb.dir, "artifacts"),
        cwd: sb.dir,
      });
      expect(fromArtifacts.sources.map((s) => s.path)).toEqual(
        [1, 2, 3].map((i) => `artifacts/shard-${i}/crash.lock.d/shard-${i}-of-3.lock`),
      );
      expect(await readFile(lockPathFor(sb.file), "utf8")).toBe(mainText);

      // Three more shots and four shards instead of three: only the new shots are submitted,
      // because each shard starts from the main lock (as a CI job starts from the committed one).
      await writeFile(sb.file, storyboardYaml(ids(15), { concurrency: 4 }));
      const grown = sim.requests.length;
      for (const i of [1, 2, 3, 4]) expect((await runShard(sb.file, i, 4)).result.exitCode).toBe(0);
      expect(generates(sim.requests.slice(grown))).toHaveLength(3);
      const remerged = await mergeShardLocks(await loadStoryboard(sb.file), { cwd: sb.dir });
      expect(remerged.conflicts).toEqual([]);
      expect((await mainPlan(sb.file)).summary.byKind.skip).toBe(15);
    } finally {
      await sb.cleanup();
    }
  });
});

describe("shard and unsharded runs on one machine", () => {
  it("refuse to overlap, naming the other run", async () => {
    const sb = await tempStoryboard(ids(4));
    try {
      const storyboard = await loadStoryboard(sb.file);
      const client = createClient({ baseUrl: sim.url, apiKey: sim.key, requestTimeoutMs: 5_000 });
      const owner = JSON.stringify({
        pid: process.pid,
        host: hostname(),
        started_at: "2026-01-01T00:00:00.000Z",
      });
      // An unsharded run is going on (this test process stands for it).
      await mkdir(join(sb.dir, ".gallop"), { recursive: true });
      await writeFile(join(sb.dir, ".gallop", "crash.run.lock"), owner);
      const before = sim.requests.length;
      await expect(
        runStoryboard(storyboard, { client, shard: { index: 1, count: 2 } }),
      ).rejects.toThrow(/An unsharded gallop run of this storyboard is going on \(pid \d+/);
      await rm(join(sb.dir, ".gallop", "crash.run.lock"));
      // A shard run is going on.
      await mkdir(join(sb.dir, "crash.lock.d", ".gallop"), { recursive: true });
      await writeFile(join(sb.dir, "crash.lock.d", ".gallop", "shard-2-of-2.run.lock"), owner);
      await expect(runStoryboard(storyboard, { client })).rejects.toThrow(
        /A shard run of this storyboard is going on/,
      );
      expect(generates(sim.requests.slice(before))).toHaveLength(0);
      // Our own run locks were released.
      expect(existsSync(join(sb.dir, "crash.lock.d", ".gallop", "shard-1-of-2.run.lock"))).toBe(
        false,
      );
      expect(existsSync(join(sb.dir, ".gallop", "crash.run.lock"))).toBe(false);
    } finally {
      await sb.cleanup();
    }
  });
});
