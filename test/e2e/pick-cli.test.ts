/** gallop pick through the real bin: takes shown in plan/status, the stitch uses the pick, clear refusals. */
import { rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadLock, lockStatePaths } from "../../src/lock/index.js";
import { lockPathFor } from "../../src/paths.js";
import { startBin } from "../helpers/bin.js";
import { useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 300, jitter: 0.2, render: "cache", audio: "never" });

const NO_STACK = /\n\s+at /;

describe("gallop pick (real bin)", () => {
  it("records the pick, shows it, and the stitch uses the picked take", async () => {
    const sb = await tempStoryboard([{ id: "opening" }, { id: "hero", takes: 3 }]);
    const bin = (...args: string[]) =>
      startBin(args, { cwd: sb.dir, env: { HPPYHORSE_API_KEY: sim.key } }).done;
    try {
      const run = await bin("run", "crash.yaml", "--base-url", sim.url, "--yes", "--no-stitch");
      expect(run.code).toBe(0);
      const plan = await bin("plan", "crash.yaml");
      expect(plan.stdout).toMatch(/hero\s+take 1\/3 \*picked\*\s+skip/);
      expect(plan.stdout).toMatch(/hero\s+take 2\/3\s+skip/);

      const picked = await bin("pick", "crash.yaml", "hero", "2");
      expect(picked.code).toBe(0);
      expect(picked.stdout).toMatch(/`hero`: picked take 2\/3 \(was take 1\)/);
      const status = await bin("status", "crash.yaml");
      expect(status.stdout).toMatch(/hero\s+take 2\/3 \*picked\*\s+succeeded/);
      expect(status.stdout).toMatch(/hero\s+take 1\/3\s+succeeded/);
      const { state } = await loadLock(lockPathFor(sb.file), sb.file);
      expect(state.shot("hero")?.picked_take).toBe(2);

      // Take 1's clip is gone: the stitch still works because it uses take 2.
      await rm(join(sb.dir, "out/crash/hero.mp4"));
      const stitch = await bin("stitch", "crash.yaml");
      expect(stitch.code).toBe(0);

      const tooHigh = await bin("pick", "crash.yaml", "hero", "4");
      expect(tooHigh.code).toBe(2);
      expect(tooHigh.stderr).toMatch(/takes 1-3; take 4 is not one of them/);
      const typo = await bin("pick", "crash.yaml", "heor", "2");
      expect(typo.code).toBe(2);
      expect(typo.stderr).toMatch(/Did you mean `hero`\?/);
      const usage = await bin("pick", "crash.yaml", "hero");
      expect(usage.code).toBe(2);
      for (const r of [tooHigh, typo, usage]) expect(r.stderr).not.toMatch(NO_STACK);

      // A run in progress (this test process stands for it) holds the run lock: pick refuses.
      await writeFile(
        lockStatePaths(lockPathFor(sb.file)).runLock,
        JSON.stringify({
          pid: process.pid,
          host: hostname(),
          started_at: new Date().toISOString(),
        }),
      );
      const busy = await bin("pick", "crash.yaml", "hero", "3");
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/Another gallop run is already working on this storyboard/);
      expect((await loadLock(lockPathFor(sb.file), sb.file)).state.shot("hero")?.picked_take).toBe(
        2,
      );
    } finally {
      await sb.cleanup();
    }
  });
});
