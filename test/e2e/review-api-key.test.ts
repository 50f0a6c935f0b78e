/**
 * Red-team review: the API key must never reach a message, an event or the lockfile. A key
 * with a line break inside (e.g. `HPPYHORSE_API_KEY=$(cat keyfile)` of a two-line file) made
 * fetch throw `Headers.append: "Bearer <key>" is an invalid header value`, which the client
 * quoted: the key landed on stderr, in --json events and in the committed lockfile (as the
 * error of a take wrongly marked `uncertain`, though nothing had been sent).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/api/index.js";
import { startBin } from "../helpers/bin.js";
import { useSimulator } from "../helpers/simulator.js";
import { tempStoryboard } from "../helpers/storyboard.js";

const sim = useSimulator({ latencyMs: 100, jitter: 0, render: "cache", audio: "never" });
const SECRET = "sk-review-4f1d9c";

describe("a malformed API key is never quoted", () => {
  it("gallop run refuses it up front (exit 2) without printing it or writing a lockfile", async () => {
    const sb = await tempStoryboard([{ id: "a" }]);
    try {
      for (const json of [false, true]) {
        const run = await startBin(
          ["run", "crash.yaml", "--base-url", sim.url, "--yes", ...(json ? ["--json"] : [])],
          { cwd: sb.dir, env: { HPPYHORSE_API_KEY: `${SECRET}\nsecond-line` } },
        ).done;
        expect(run.code).toBe(2);
        expect(run.stderr + run.stdout).not.toContain(SECRET);
        expect(run.stderr).toMatch(/HPPYHORSE_API_KEY/);
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
      expect(existsSync(join(sb.dir, "crash.lock"))).toBe(false);
      expect(sim.requests.filter((r) => r.endpoint === "generate")).toHaveLength(0);
    } finally {
      await sb.cleanup();
    }
  });

  it("the client never quotes the key in an error, whatever fetch says", async () => {
    const client = createClient({ baseUrl: sim.url, apiKey: `${SECRET}\r\nx`, statusAttempts: 1 });
    const request = {
      model: "happyhorse-1-1/text-to-video" as const,
      prompt: "p",
      duration: 3,
      resolution: "720p" as const,
    };
    const errors = await Promise.all([
      client.generate(request).catch((e: Error) => e),
      client.status("t1").catch((e: Error) => e),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).not.toContain(SECRET);
      expect(String((error as Error).stack)).not.toContain(SECRET);
    }
  });

  it("nothing on disk mentions the key after a normal simulated run", async () => {
    const sb = await tempStoryboard([{ id: "a" }]);
    try {
      const run = await startBin(["run", "crash.yaml", "--base-url", sim.url, "--yes", "--json"], {
        cwd: sb.dir,
        env: { HPPYHORSE_API_KEY: sim.key },
      }).done;
      expect(run.code).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(sim.key);
      expect(await readFile(join(sb.dir, "crash.lock"), "utf8")).not.toContain(sim.key);
    } finally {
      await sb.cleanup();
    }
  });
});
