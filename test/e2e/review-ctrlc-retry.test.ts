/**
 * Red-team review: Ctrl-C means "stop submitting". Before the fix, a generate waiting out a
 * 429's Retry-After ignored the interrupt: gallop kept waiting, then sent the POST anyway
 * (a paid generation the user had asked not to start) before exiting.
 */
import { describe, expect, it } from "vitest";
import { startBin } from "../helpers/bin.js";
import { useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 100, jitter: 0, render: "cache", audio: "never" });

describe("Ctrl-C during a generate's rate-limit wait (real bin)", () => {
  it("sends no further POST and exits 130 promptly", async () => {
    const sb = await tempStoryboard([{ id: "a" }], { concurrency: 1 });
    try {
      sim.addFaults({ kind: "429", endpoint: "generate", retryAfter: 6 });
      const generates = () => sim.requests.filter((r) => r.endpoint === "generate");
      const before = generates().length;
      const run = startBin(["run", "crash.yaml", "--base-url", sim.url, "--yes", "--json"], {
        cwd: sb.dir,
        env: { HPPYHORSE_API_KEY: sim.key },
      });
      await expect.poll(() => generates().length, { timeout: 10_000 }).toBe(before + 1);
      await new Promise((r) => setTimeout(r, 300));
      const interruptedAt = Date.now();
      run.child.kill("SIGINT");
      const done = await run.done;
      expect(done.code).toBe(130);
      expect(Date.now() - interruptedAt).toBeLessThan(4000);
      expect(generates().length).toBe(before + 1); // only the rate-limited attempt
      expect(done.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await sb.cleanup();
    }
  });
});
