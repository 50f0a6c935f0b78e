/**
 * Red-team review: `gallop stitch` must not silently build a film from clips the lockfile does
 * not vouch for. Before the fix it joined whatever files sat at the clip paths: a clip left
 * from an older prompt (the shot was changed and not regenerated yet) or a damaged clip.
 */

import { existsSync } from "node:fs";
import { open, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startBin } from "../helpers/bin.js";
import { useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 200, jitter: 0.2, render: "cache", audio: "never" });
const NO_STACK = /\n\s+at /;

describe("gallop stitch only uses clips the lockfile vouches for (real bin)", () => {
  it("refuses a stale clip (changed prompt) and a damaged clip, then stitches once fixed", async () => {
    const sb = await tempStoryboard([
      { id: "a", prompt: "first prompt" },
      { id: "b", prompt: "second prompt" },
    ]);
    const bin = (...args: string[]) =>
      startBin(args, { cwd: sb.dir, env: { HPPYHORSE_API_KEY: sim.key } }).done;
    const film = join(sb.dir, "out/crash/crash.mp4");
    try {
      const run = await bin("run", "crash.yaml", "--base-url", sim.url, "--yes", "--no-stitch");
      expect(run.code).toBe(0);
      const original = await readFile(sb.file, "utf8");

      // The prompt of b changed; its clip on disk is from the old prompt.
      await writeFile(sb.file, original.replace("second prompt", "a brand new prompt"));
      const stale = await bin("stitch", "crash.yaml");
      expect(stale.code).toBe(1);
      expect(stale.stderr).toMatch(/`b`/);
      expect(stale.stderr).toMatch(/gallop run/);
      expect(stale.stderr).not.toMatch(NO_STACK);
      expect(existsSync(film)).toBe(false);

      // Back to the generated prompt, but bytes of a's clip changed (same size).
      await writeFile(sb.file, original);
      const handle = await open(join(sb.dir, "out/crash/a.mp4"), "r+");
      const { size } = await handle.stat();
      await handle.write(Buffer.alloc(64, 0x5a), 0, 64, Math.floor(size / 2));
      await handle.close();
      const damaged = await bin("stitch", "crash.yaml");
      expect(damaged.code).toBe(1);
      expect(damaged.stderr).toMatch(/`a`/);
      expect(damaged.stderr).not.toMatch(NO_STACK);
      expect(existsSync(film)).toBe(false);

      // The run downloads a's clip again (no payment) and the stitch then works.
      const before = sim.requests.filter((r) => r.endpoint === "generate").length;
      const rerun = await bin("run", "crash.yaml", "--base-url", sim.url, "--yes", "--no-stitch");
      expect(rerun.code).toBe(0);
      expect(sim.requests.filter((r) => r.endpoint === "generate").length).toBe(before);
      const ok = await bin("stitch", "crash.yaml");
      expect(ok.stderr).toBe("");
      expect(ok.code).toBe(0);
      expect(existsSync(film)).toBe(true);
    } finally {
      await sb.cleanup();
    }
  });
});
