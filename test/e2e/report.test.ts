/** `gallop report` through the real bin (run `npm run build` first). */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRIP_TILE } from "../../src/report/index.js";
import { runBin } from "../helpers/bin.js";
import { frameSize } from "../helpers/probe.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const gallop = (args: string[], cwd: string) =>
  runBin(args, { cwd, timeoutMs: 60_000, env: { GALLOP_SIMULATE_LATENCY: "300ms" } });

const STORYBOARD = `version: 1
name: teaser
defaults:
  model: text-to-video
  duration: 3
  resolution: 720p
  ratio: "16:9"
shots:
  - id: opening
    prompt: A glass city at sunrise.
    takes: 2
  - id: closing
    prompt: The logo <b>bold</b>.
  - id: later
    prompt: Added after the run.
`;

let dir: string;

beforeAll(async () => {
  dir = await tempDir("gallop-report-e2e-");
});

afterAll(async () => {
  if (dir) await removeDir(dir);
});

describe("gallop report", () => {
  it("refuses a missing FILE and a bad storyboard with exit code 2", async () => {
    const usage = await gallop(["report"], dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("gallop report takes one storyboard FILE");
    await writeFile(join(dir, "broken.yaml"), "version: 1\nname: broken\nshots:\n  - id: Bad Id\n");
    const bad = await gallop(["report", "broken.yaml"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("broken.yaml");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "out", "broken"))).toBe(false);
  });

  it("writes a page and a strip of placeholders before anything was run", async () => {
    await writeFile(join(dir, "teaser.yaml"), STORYBOARD);
    const result = await gallop(["report", "teaser.yaml"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "Contact sheet: out/teaser/index.html (3 shots: 3 not run; 0 posters)\n" +
        "Storyboard strip: out/teaser/teaser.strip.png\n",
    );
    const html = await readFile(join(dir, "out", "teaser", "index.html"), "utf8");
    expect(html.match(/data-state="not-run"/g)).toHaveLength(3);
    expect(html).toContain("The film is not stitched yet");
    expect(html).toContain("The logo &lt;b&gt;bold&lt;/b&gt;.");
    expect(await frameSize(join(dir, "out", "teaser", "teaser.strip.png"))).toMatchObject({
      width: 3 * STRIP_TILE.width,
      height: STRIP_TILE.height,
    });
    // Reading is all it does: no lockfile appears.
    expect(existsSync(join(dir, "teaser.lock"))).toBe(false);
  });

  it("after a simulated run and a pick, reports the picked take with --json", async () => {
    // Run the first two shots only, then pick take 2 of the opening.
    const run = await gallop(
      ["run", "teaser.yaml", "--simulate", "--yes", "--only", "opening,closing"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const pick = await gallop(["pick", "teaser.yaml", "opening", "2"], dir);
    expect(pick.code, pick.stderr).toBe(0);
    const lockBefore = await readFile(join(dir, "teaser.lock"), "utf8");
    const result = await gallop(["report", "teaser.yaml", "--json"], dir);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as {
      html: string;
      strip: string;
      shots: { id: string; state: string; picked_take: number; clip?: string; poster?: string }[];
    };
    expect(out.html).toBe(join(dir, "out", "teaser", "index.html"));
    expect(out.strip).toBe(join(dir, "out", "teaser", "teaser.strip.png"));
    expect(out.shots).toEqual([
      {
        id: "opening",
        state: "ready",
        picked_take: 2,
        clip: "opening.take2.mp4",
        poster: "posters/opening.take2.png",
      },
      {
        id: "closing",
        state: "ready",
        picked_take: 1,
        clip: "closing.mp4",
        poster: "posters/closing.take1.png",
      },
      { id: "later", state: "not-run", picked_take: 1 },
    ]);
    for (const shot of out.shots) {
      if (shot.poster) expect(existsSync(join(dir, "out", "teaser", shot.poster))).toBe(true);
    }
    const html = await readFile(out.html, "utf8");
    expect(html).toMatch(/<video controls preload="none" src="opening\.take2\.mp4"/);
    expect(await readFile(join(dir, "teaser.lock"), "utf8")).toBe(lockBefore);
    // A film of the two shots that exist was not stitched (the third is missing): the page says so.
    expect(html).toContain('data-film="missing"');
  });
});
