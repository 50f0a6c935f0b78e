import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { lockPathFor } from "../../src/paths.js";
import { startBin } from "../helpers/bin.js";
import { generateAttempts, useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 800, jitter: 0.2, render: "cache", audio: "never" });

const env = () => ({ HPPYHORSE_API_KEY: sim.key });
const runArgs = (file: string, ...extra: string[]) => [
  "run",
  file,
  "--base-url",
  sim.url,
  "--yes",
  "--no-stitch",
  ...extra,
];

describe("gallop run / plan / status (real bin)", () => {
  it("stops a second run on the same storyboard with the run lock's owner", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }]);
    try {
      let second: Awaited<ReturnType<typeof startBin>["done"]> | undefined;
      const first = startBin([...runArgs(sb.file), "--json"], {
        env: env(),
        onEvent: (event) => {
          if (event.event === "submitted" && !second) {
            void startBin(runArgs(sb.file), { env: env() }).done.then((r) => {
              second = r;
            });
          }
        },
      });
      const done = await first.done;
      expect(done.code).toBe(0);
      await expect.poll(() => second, { timeout: 10_000 }).toBeDefined();
      expect(second?.code).toBe(1);
      expect(second?.stderr).toMatch(
        /Another gallop run is already working on this storyboard \(pid \d+ on .+, since \d{4}-/,
      );
      expect(second?.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await sb.cleanup();
    }
  });

  it("exits 130 on SIGINT with how to resume, and the rerun polls the same tasks", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b" }, { id: "c" }], { concurrency: 3 });
    try {
      const before = sim.requests.length;
      let sent = false;
      const run = startBin([...runArgs(sb.file), "--json"], {
        env: env(),
        onEvent: (event, self) => {
          if (event.event === "submitted" && !sent) {
            sent = true;
            self.child.kill("SIGINT");
          }
        },
      });
      const done = await run.done;
      expect(done.code).toBe(130);
      expect(done.stderr).toMatch(
        /Run `gallop run \S*crash\.yaml` to continue: it polls the same tasks/,
      );
      const submitted = run.events.filter((e) => e.event === "submitted").length;
      const rerun = await startBin([...runArgs(sb.file), "--json"], { env: env() }).done;
      expect(rerun.code).toBe(0);
      const started = JSON.parse(rerun.stdout.split("\n")[0] ?? "{}");
      expect(started.summary.byKind.poll).toBeGreaterThanOrEqual(submitted);
      expect(generateAttempts(sim.requests.slice(before))).toHaveLength(3);
      // never the key
      expect(done.stdout + done.stderr + rerun.stdout + rerun.stderr).not.toContain(sim.key);
    } finally {
      await sb.cleanup();
    }
  });

  it("refuses a damaged lockfile with exit 2 and leaves it untouched", async () => {
    const sb = await tempStoryboard([{ id: "a" }]);
    try {
      const lockPath = lockPathFor(sb.file);
      const damaged =
        "version: 1\nstoryboard: crash.yaml\nuploads: {}\nshots:\n  - id: a\n    takes: nope\n";
      await writeFile(lockPath, damaged);
      for (const command of [runArgs(sb.file), ["plan", sb.file], ["status", sb.file]]) {
        const result = await startBin(command, { env: env() }).done;
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(lockPath);
        expect(result.stderr).toContain("will not overwrite");
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
      expect(await readFile(lockPath, "utf8")).toBe(damaged);
    } finally {
      await sb.cleanup();
    }
  });

  it("plans as data and shows status after a run", async () => {
    const sb = await tempStoryboard([{ id: "a" }, { id: "b", takes: 2 }]);
    try {
      const plan = await startBin(["plan", sb.file, "--json"]).done;
      expect(plan.code).toBe(0);
      const data = JSON.parse(plan.stdout);
      expect(data.summary).toMatchObject({ paidGenerations: 3, seconds: 9 });
      expect(data.actions.map((a: { kind: string }) => a.kind)).toEqual([
        "submit",
        "submit",
        "submit",
      ]);
      const run = await startBin(runArgs(sb.file), { env: env() }).done;
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/b\s+take 2\s+succeeded/);
      const status = await startBin(["status", sb.file]).done;
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/a\s+take 1\s+succeeded\s+\S+\s+out\/crash\/a\.mp4/);
      const text = await startBin(["plan", sb.file]).done;
      expect(text.stdout).toContain("Nothing to pay for");
    } finally {
      await sb.cleanup();
    }
  });
});
