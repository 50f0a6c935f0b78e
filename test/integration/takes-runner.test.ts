/** Takes end to end against the simulator: N generations, raise, lower, pick, stitch the pick. */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/index.js";
import { parseLock } from "../../src/lock/index.js";
import { loadStoryboard } from "../../src/manifest/index.js";
import { filmClips } from "../../src/media/clips.js";
import { lockPathFor } from "../../src/paths.js";
import { runStoryboard, type StitchInput } from "../../src/run/index.js";
import { pickTake } from "../../src/takes/pick.js";
import { generates, useSimulator } from "../helpers/simulator.js";
import { storyboardYaml, tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 150, jitter: 0.3, render: "cache", audio: "never" });

async function run(file: string) {
  const storyboard = await loadStoryboard(file);
  const stitched: StitchInput[] = [];
  const result = await runStoryboard(storyboard, {
    client: createClient({ baseUrl: sim.url, apiKey: sim.key, requestTimeoutMs: 5_000 }),
    stitch: async (input) => {
      stitched.push(input);
      return { path: input.config.output, durationSeconds: 0, bytes: 0, mode: "test" };
    },
  });
  return { result, stitched, storyboard };
}

describe("takes", () => {
  it("submits N generations per shot, each with its own task and clip; raising adds only the missing ones", async () => {
    const sb = await tempStoryboard([{ id: "opening" }, { id: "hero", takes: 3 }]);
    try {
      const before = sim.requests.length;
      const first = await run(sb.file);
      expect(first.result.exitCode).toBe(0);
      const mine = generates(sim.requests.slice(before));
      expect(mine).toHaveLength(4);
      // The same request body for every take of a shot.
      const heroBodies = mine.filter((r) => JSON.stringify(r.body).includes("Shot hero"));
      expect(heroBodies).toHaveLength(3);
      expect(new Set(heroBodies.map((r) => JSON.stringify(r.body))).size).toBe(1);
      const lock = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "lock");
      const hero = lock.shots.find((s) => s.id === "hero");
      expect(hero?.takes.map((t) => t.state)).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(new Set(hero?.takes.map((t) => t.task_id)).size).toBe(3);
      expect(hero?.takes.map((t) => t.clip)).toEqual([
        "out/crash/hero.mp4",
        "out/crash/hero.take2.mp4",
        "out/crash/hero.take3.mp4",
      ]);
      for (const clip of hero?.takes.map((t) => t.clip) ?? []) {
        expect(existsSync(join(sb.dir, clip ?? ""))).toBe(true);
      }
      // Take 1 until one is picked.
      expect(first.stitched[0]?.clips.map((c) => c.path)).toEqual([
        join(sb.dir, "out/crash/opening.mp4"),
        join(sb.dir, "out/crash/hero.mp4"),
      ]);

      await writeFile(sb.file, storyboardYaml([{ id: "opening" }, { id: "hero", takes: 4 }]));
      const raised = sim.requests.length;
      const second = await run(sb.file);
      expect(second.result.exitCode).toBe(0);
      expect(second.result.plan.summary.byKind).toMatchObject({ skip: 4, submit: 1 });
      const added = generates(sim.requests.slice(raised));
      expect(added).toHaveLength(1);
      expect(existsSync(join(sb.dir, "out/crash/hero.take4.mp4"))).toBe(true);
    } finally {
      await sb.cleanup();
    }
  });

  it("lowering keeps the paid takes (unused, clips kept); the stitch uses the picked take", async () => {
    const sb = await tempStoryboard([{ id: "opening" }, { id: "hero", takes: 3 }]);
    try {
      await run(sb.file);
      const storyboard = await loadStoryboard(sb.file);
      await pickTake(storyboard, "hero", 3);
      expect(filmClips(storyboard).map((c) => c.path)[1]).toBe(
        join(sb.dir, "out/crash/hero.take3.mp4"),
      );

      const picked = sim.requests.length;
      const again = await run(sb.file);
      expect(generates(sim.requests.slice(picked))).toHaveLength(0);
      expect(again.stitched[0]?.clips.map((c) => c.path)).toEqual([
        join(sb.dir, "out/crash/opening.mp4"),
        join(sb.dir, "out/crash/hero.take3.mp4"),
      ]);

      await pickTake(storyboard, "hero", 2);
      await writeFile(sb.file, storyboardYaml([{ id: "opening" }, { id: "hero", takes: 2 }]));
      const lowered = sim.requests.length;
      const third = await run(sb.file);
      expect(third.result.exitCode).toBe(0);
      expect(generates(sim.requests.slice(lowered))).toHaveLength(0);
      expect(third.result.plan.actions.filter((a) => a.kind === "unused")).toEqual([
        expect.objectContaining({ shot: "hero", take: 3, taskId: expect.any(String) }),
      ]);
      expect(existsSync(join(sb.dir, "out/crash/hero.take3.mp4"))).toBe(true);
      const lock = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "lock");
      expect(lock.shots.find((s) => s.id === "hero")?.takes).toHaveLength(3);
      expect(third.stitched[0]?.clips[1]?.path).toBe(join(sb.dir, "out/crash/hero.take2.mp4"));
    } finally {
      await sb.cleanup();
    }
  });
});
