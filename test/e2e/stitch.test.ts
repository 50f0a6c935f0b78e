import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../src/media/index.js";
import { runBin } from "../helpers/bin.js";
import { listDir, removeDir, tempDir } from "../helpers/tmp.js";
import { simulatedClip } from "../integration/media-fixtures.js";

const gallop = (args: string[], cwd: string) => runBin(args, { cwd });

let dir: string;

const storyboard = (extra: string) => `version: 1
name: teaser
defaults:
  model: text-to-video
  duration: 3
  resolution: 720p
  ratio: "16:9"
shots:
  - id: opening
    prompt: A glass city at sunrise.
  - id: hero
    prompt: A red banner in the wind.
    ratio: "9:16"
  - id: closing
    prompt: The logo.
${extra}`;

beforeAll(async () => {
  dir = await tempDir("gallop-stitch-e2e-");
  const out = join(dir, "out", "teaser");
  await mkdir(out, { recursive: true });
  await Promise.all([
    simulatedClip(join(out, "opening.mp4"), {
      resolution: "720p",
      aspect: "16:9",
      seconds: 3,
      audio: true,
    }),
    simulatedClip(join(out, "hero.mp4"), {
      resolution: "720p",
      aspect: "9:16",
      seconds: 3,
      audio: false,
    }),
    simulatedClip(join(out, "closing.mp4"), {
      resolution: "720p",
      aspect: "16:9",
      seconds: 3,
      audio: true,
    }),
  ]);
  await writeFile(
    join(dir, "teaser.yaml"),
    storyboard(
      "stitch:\n  output: film.mp4\n  transition: crossfade\n  transition_duration: 0.5\n",
    ),
  );
  await writeFile(
    join(dir, "missing.yaml"),
    storyboard("  - id: finale\n    prompt: Fade to black.\n"),
  );
});

afterAll(async () => {
  await removeDir(dir);
});

describe("gallop stitch", () => {
  it("stitches the clips on disk into the film the stitch section describes", async () => {
    const result = await gallop(["stitch", "teaser.yaml", "--json"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    const film = join(dir, "out", "teaser", "film.mp4");
    expect(summary).toMatchObject({
      path: film,
      mode: "normalize",
      clips: 3,
      width: 1280,
      height: 720,
    });
    const info = await probe(film);
    expect(Math.abs(info.durationSeconds - (9 - 2 * 0.5))).toBeLessThanOrEqual(3 / 24);
    expect(info.audio).toBeDefined();
    expect((await listDir(join(dir, "out", "teaser"))).filter((f) => f.startsWith("."))).toEqual(
      [],
    );
  });

  it("prints path, duration, size and mode in plain text", async () => {
    const result = await gallop(["stitch", "teaser.yaml"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(join(dir, "out", "teaser", "film.mp4"));
    expect(result.stdout).toMatch(/8\.\d\d s, 1280x720 @ 24 fps, [\d.]+ MB/);
    expect(result.stdout).toContain("re-encoded once");
  });

  it("names a missing clip and says how to make it, exit code 1", async () => {
    const result = await gallop(["stitch", "missing.yaml"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('shot "finale"');
    expect(result.stderr).toContain(join(dir, "out", "teaser", "finale.mp4"));
    expect(result.stderr).toContain("gallop run missing.yaml");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "out", "teaser", "teaser.mp4"))).toBe(false);
  });
});

describe("gallop doctor", () => {
  it("reports the binaries in use and what crossfade will use", async () => {
    const result = await gallop(["doctor", "--json"], dir);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      ffmpeg: { path: string; source: string; version: string };
      capabilities: { xfade: boolean; crossfade: string; libx264: boolean };
    };
    expect(report.ok).toBe(true);
    expect(existsSync(report.ffmpeg.path)).toBe(true);
    expect(report.ffmpeg.version).toMatch(/^ffmpeg version /);
    expect(report.capabilities.crossfade).toBe(report.capabilities.xfade ? "xfade" : "blend");
    const text = await gallop(["doctor"], dir);
    expect(text.stdout).toContain(`ffmpeg   ${report.ffmpeg.path} (${report.ffmpeg.source})`);
    expect(text.stdout).toMatch(/xfade\s+(yes|no)/);
  });

  it("exits 1 and says what to do when a binary is unusable", async () => {
    const result = await gallop(["doctor", "--ffmpeg", join(dir, "no-such-ffmpeg")], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("not an executable file");
    expect(result.stdout).toContain("Not usable yet");
  });
});
