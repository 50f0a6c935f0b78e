/** Two shards through the real bin against the simulator, merged, then plan and stitch on the merged lock. */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLock, serializeLock } from "../../src/lock/index.js";
import { lockPathFor } from "../../src/paths.js";
import { startBin } from "../helpers/bin.js";
import { generates, useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 300, jitter: 0.2, render: "cache", audio: "never" });

const env = () => ({ HPPYHORSE_API_KEY: sim.key });

describe("gallop run --shard, gallop lock merge (real bin)", () => {
  it("runs two shards in parallel, merges them, and the merged lock plans and stitches as done", async () => {
    const shots = Array.from({ length: 8 }, (_, i) => ({ id: `row-${i}` }));
    const sb = await tempStoryboard(shots, { concurrency: 4 });
    try {
      const planned = await startBin(["plan", "crash.yaml", "--shard", "2/2"], { cwd: sb.dir })
        .done;
      expect(planned.code).toBe(0);
      expect(planned.stdout).toMatch(
        /lock: crash\.lock\.d\/shard-2-of-2\.lock; shard 2\/2: \d of 8 shots/,
      );

      const before = sim.requests.length;
      const [one, two] = await Promise.all(
        ["1/2", "2/2"].map(
          (shard) =>
            startBin(["run", sb.file, "--shard", shard, "--base-url", sim.url, "--yes"], {
              env: env(),
              cwd: sb.dir,
            }).done,
        ),
      );
      expect(one?.code).toBe(0);
      expect(two?.code).toBe(0);
      expect(generates(sim.requests.slice(before))).toHaveLength(8);
      expect(existsSync(join(sb.dir, "crash.lock.d/shard-1-of-2.lock"))).toBe(true);
      expect(existsSync(join(sb.dir, "crash.lock.d/shard-2-of-2.lock"))).toBe(true);
      expect(existsSync(lockPathFor(sb.file))).toBe(false);
      expect(existsSync(join(sb.dir, "out/crash/crash.mp4"))).toBe(false); // shards never stitch

      const merged = await startBin(["lock", "merge", "crash.yaml"], { cwd: sb.dir }).done;
      expect(merged.code).toBe(0);
      expect(merged.stdout).toMatch(
        /^Merged 2 shard locks into crash\.lock \(\d+ records written\)\./,
      );
      expect(merged.stdout).toMatch(
        /crash\.lock\.d\/shard-1-of-2\.lock: \d shots?, \d takes? kept/,
      );
      expect(merged.stdout).toContain("The shard lockfiles were left as they are");
      const lock = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "crash.lock");
      expect(lock.shots.map((s) => s.id)).toEqual(shots.map((s) => s.id));
      expect(lock.shots.every((s) => s.takes[0]?.state === "succeeded")).toBe(true);

      const plan = await startBin(["plan", "crash.yaml", "--json"], { cwd: sb.dir }).done;
      expect(plan.code).toBe(0);
      const data = JSON.parse(plan.stdout) as {
        actions: { kind: string }[];
        summary: { paidGenerations: number };
      };
      expect(data.actions.map((a) => a.kind)).toEqual(Array(8).fill("skip"));
      expect(data.summary.paidGenerations).toBe(0);

      const stitch = await startBin(["stitch", "crash.yaml"], { cwd: sb.dir }).done;
      expect(stitch.code).toBe(0);
      expect(existsSync(join(sb.dir, "out/crash/crash.mp4"))).toBe(true);

      // A conflicting shard lock from elsewhere (another n, another task for row-0's take):
      // the succeeded take stays, the other task id is kept in its history.
      const shardText = await readFile(join(sb.dir, "crash.lock.d/shard-1-of-2.lock"), "utf8");
      const shardLock = parseLock(shardText, "shard");
      const victim = shardLock.shots[0]!;
      const mainTask = lock.shots.find((s) => s.id === victim.id)?.takes[0]?.task_id;
      const take = victim.takes[0]!;
      take.task_id = "task-from-another-shard";
      take.state = "submitted";
      for (const key of ["clip", "bytes", "sha256", "finished_at", "result_url"] as const)
        delete take[key];
      await mkdir(join(sb.dir, "artifacts", "lock-shard-1"), { recursive: true });
      await writeFile(
        join(sb.dir, "artifacts", "lock-shard-1", "shard-1-of-3.lock"),
        serializeLock(shardLock),
      );
      const again = await startBin(["lock", "merge", "crash.yaml", "--from", "artifacts"], {
        cwd: sb.dir,
      }).done;
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(
        `conflict ${victim.id} take 1: kept ${mainTask} from crash.lock; task-from-another-shard from artifacts/lock-shard-1/shard-1-of-3.lock moved to its history`,
      );
      const after = parseLock(await readFile(lockPathFor(sb.file), "utf8"), "crash.lock");
      const kept = after.shots.find((s) => s.id === victim.id)?.takes[0];
      expect(kept?.task_id).toBe(mainTask);
      expect(kept?.history?.map((h) => h.task_id)).toContain("task-from-another-shard");

      const none = await startBin(["lock", "merge", "crash.yaml", "--from", "nowhere"], {
        cwd: sb.dir,
      }).done;
      expect(none.code).toBe(2);
      expect(none.stderr).toContain("--from");
      expect(none.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await sb.cleanup();
    }
  });
});
