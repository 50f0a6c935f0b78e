/**
 * The promise gallop makes: kill `gallop run` with SIGKILL at any point, run it again, and
 * no request body is submitted twice, every paid task is downloaded, every clip is valid
 * and the lockfile is valid. Checked from the simulator's own request log.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLock } from "../../src/lock/index.js";
import { canonicalJson } from "../../src/manifest/index.js";
import { lockPathFor } from "../../src/paths.js";
import { type BinRun, startBin } from "../helpers/bin.js";
import { downloads, generateAttempts, generates, useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

// latency 300-800 ms
const sim = useSimulator({ latencyMs: 550, jitter: 0.45, render: "cache", audio: "never" });

const SHOTS = Array.from({ length: 8 }, (_, i) => ({ id: `shot-${i + 1}` }));

function gallopRun(
  file: string,
  extra: string[] = [],
  onEvent?: (e: Record<string, unknown>, run: BinRun) => void,
) {
  return startBin(
    ["run", file, "--base-url", sim.url, "--yes", "--json", "--no-stitch", ...extra],
    {
      env: { HPPYHORSE_API_KEY: sim.key },
      ...(onEvent ? { onEvent } : {}),
    },
  );
}

type KillPoint = (event: Record<string, unknown>, counts: Map<string, number>) => boolean;

async function crashThenFinish(kill: KillPoint) {
  const sb = await tempStoryboard(SHOTS, { concurrency: 3 });
  const firstRequest = sim.requests.length;
  try {
    const counts = new Map<string, number>();
    const crashed = gallopRun(sb.file, [], (event, run) => {
      const name = String(event.event);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (kill(event, counts) && run.child.exitCode === null) run.child.kill("SIGKILL");
    });
    const first = await crashed.done;
    expect(first.signal).toBe("SIGKILL");

    // Rerun until done. Takes whose POST was cut off are uncertain: a plain rerun does not
    // resubmit them (exit 1); the user then decides with --resubmit-uncertain.
    let rerun = await gallopRun(sb.file).done;
    expect(rerun.stderr).not.toMatch(/internal error/);
    let resubmitted = 0;
    if (rerun.code !== 0) {
      expect(rerun.code).toBe(1);
      const uncertain = rerun.stdout.split("\n").filter((l) => l.includes('"action":"uncertain"'));
      expect(uncertain.length).toBeGreaterThan(0);
      const plan = JSON.parse(
        rerun.stdout.split("\n").find((l) => l.includes('"run-started"')) ?? "{}",
      );
      resubmitted = plan.summary.byKind.uncertain;
      rerun = await gallopRun(sb.file, ["--resubmit-uncertain"]).done;
    }
    expect(rerun.code).toBe(0);

    const mine = sim.requests.slice(firstRequest);
    const lockPath = lockPathFor(sb.file);
    const lock = parseLock(await readFile(lockPath, "utf8"), lockPath); // schema-valid

    // No request body was submitted twice, except takes explicitly resubmitted as uncertain.
    const perBody = new Map<string, number>();
    for (const r of generateAttempts(mine)) {
      const key = canonicalJson(r.body);
      perBody.set(key, (perBody.get(key) ?? 0) + 1);
    }
    // (A take cut off mid-POST is uncertain; its body reached the API at most once before.)
    const twice = [...perBody.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(resubmitted);
    expect([...perBody.values()].every((n) => n <= 2)).toBe(true);
    expect(perBody.size).toBe(SHOTS.length);

    // Every task gallop knows about (current or superseded) was downloaded; the only tasks it
    // does not know are those whose POST answer died with the process (the uncertain ones).
    const known = new Set(lock.shots.flatMap((s) => s.takes.map((t) => t.task_id)));
    const downloaded = new Set(
      downloads(mine).map((r) => r.path.replace(/^\/files\/|\.mp4$/g, "")),
    );
    for (const shot of lock.shots) {
      const take = shot.takes[0]!;
      expect(take.state).toBe("succeeded");
      expect(downloaded.has(take.task_id!)).toBe(true);
      // every clip is complete: size, sha256 and an MP4 ftyp box
      const bytes = await readFile(join(sb.dir, take.clip!));
      expect(bytes.length).toBe(take.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(take.sha256);
      expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    }
    const unknownTasks = generates(mine).filter((r) => !known.has(r.taskId));
    expect(unknownTasks.length).toBe(twice);
    return { first, counts, resubmitted };
  } finally {
    await sb.cleanup();
  }
}

describe("gallop run killed with SIGKILL and run again", () => {
  it("before any submission", async () => {
    const { counts } = await crashThenFinish((e) => e.event === "run-started");
    expect(counts.get("submitted") ?? 0).toBe(0);
  });

  it("during submissions (after the 2nd submitted event)", async () => {
    await crashThenFinish((_e, counts) => (counts.get("submitted") ?? 0) >= 2);
  });

  it("right after a submitting event (the POST may be in flight)", async () => {
    await crashThenFinish(
      (e, counts) => e.event === "submitting" && (counts.get("submitting") ?? 0) === 5,
    );
  });

  it("after every submission, before the downloads finish", async () => {
    const { counts } = await crashThenFinish((_e, counts) => (counts.get("submitted") ?? 0) >= 8);
    expect(counts.get("submitted")).toBe(8);
  });

  it("in the middle of the downloads", async () => {
    await crashThenFinish((_e, counts) => (counts.get("downloaded") ?? 0) >= 3);
  });
});
