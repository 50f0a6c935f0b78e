import { rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBin } from "../helpers/bin.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const gallop = (args: string[], cwd: string) =>
  runBin(args, { cwd, timeoutMs: 60_000, env: { GALLOP_SIMULATE_LATENCY: "200ms" } });

const storyboard = (transition: string) => `version: 1
name: film
defaults:
  model: text-to-video
  duration: 3
  resolution: 720p
polling: { initial_delay: 100ms, interval: 100ms, max_interval: 200ms, timeout: 60s }
stitch:
  transition: ${transition}
shots:
  - id: one
    prompt: A horse on a beach
  - id: two
    prompt: A horse in the snow
`;

let dir: string;
beforeEach(async () => {
  dir = await tempDir("gallop-film-");
});
afterEach(async () => {
  await removeDir(dir);
});

const run = () => gallop(["run", "film.yaml", "--simulate", "--yes", "--no-report"], dir);
const film = () => join(dir, "out", "film", "film.mp4");

describe("gallop run re-stitches only when the film's inputs changed", () => {
  it("keeps an unchanged film, and stitches again after a stitch edit or a deleted film", async () => {
    await writeFile(join(dir, "film.yaml"), storyboard("none"));
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toContain("unchanged");
    const made = await stat(film());

    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Film: out\/film\/film\.mp4 \(.*unchanged\)/);
    expect((await stat(film())).mtimeMs).toBe(made.mtimeMs);

    // A different stitch setting is a different film.
    await writeFile(join(dir, "film.yaml"), storyboard("crossfade"));
    const third = await run();
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/Film: .*normalize\)/);
    expect((await stat(film())).mtimeMs).not.toBe(made.mtimeMs);

    // A film that is gone is made again, whatever the record says.
    await rm(film());
    const fourth = await run();
    expect(fourth.code, fourth.stderr).toBe(0);
    expect(fourth.stdout).not.toContain("unchanged");
    expect((await stat(film())).size).toBeGreaterThan(0);
  });
});
