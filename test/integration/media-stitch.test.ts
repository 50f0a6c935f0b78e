import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitError } from "../../src/errors.js";
import {
  captureOutput,
  detectCapabilities,
  extractFrame,
  locateBinary,
  MAX_DRIFT_SECONDS,
  probe,
  type StitchClip,
  stitchFilm,
} from "../../src/media/index.js";
import type { StitchConfig } from "../../src/types.js";
import { listDir, removeDir, tempDir } from "../helpers/tmp.js";
import {
  audioGaps,
  frameColour,
  meanVolume,
  packetHashes,
  simulatedClip,
  toneClip,
} from "./media-fixtures.js";

let dir: string;
let work: string;
const uniform: StitchClip[] = [];
const mixed: StitchClip[] = [];
const colours: StitchClip[] = [];
const many: StitchClip[] = [];
let soundtrack: string;

function config(overrides: Partial<StitchConfig> = {}): StitchConfig {
  return {
    output: join(dir, "out", "film.mp4"),
    shots: [],
    transition: "none",
    transitionDuration: 0.5,
    audio: "keep",
    audioVolume: 1,
    ...overrides,
  };
}

/** A system ffmpeg with xfade (e.g. Debian's 5.x on PATH), when the machine has one. */
async function ffmpegWithXfade(): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(folder, "ffmpeg");
    if (!folder || !existsSync(candidate)) continue;
    const caps = await detectCapabilities({ ffmpegPath: candidate }).catch(() => undefined);
    if (caps?.xfade && caps.libx264) return candidate;
  }
  return undefined;
}
const xfadeFfmpeg = await ffmpegWithXfade();

beforeAll(async () => {
  dir = await tempDir();
  work = join(dir, "work");
  await (await import("node:fs/promises")).mkdir(work);
  const shot = (id: string) => join(dir, `${id}.mp4`);
  await Promise.all([
    ...["u1", "u2", "u3"].map(async (id, i) => {
      await simulatedClip(shot(id), {
        resolution: "720p",
        aspect: "16:9",
        seconds: 3,
        audio: true,
        prompt: `uniform shot ${i}`,
      });
    }),
    simulatedClip(shot("wide720"), { resolution: "720p", aspect: "16:9", seconds: 3, audio: true }),
    simulatedClip(shot("tall1080"), {
      resolution: "1080p",
      aspect: "9:16",
      seconds: 3,
      audio: false,
    }),
    simulatedClip(shot("wide1080"), {
      resolution: "1080p",
      aspect: "16:9",
      seconds: 4,
      audio: true,
    }),
    ...Array.from({ length: 8 }, (_, i) =>
      simulatedClip(shot(`m${i}`), {
        resolution: "720p",
        aspect: "16:9",
        seconds: 2,
        audio: true,
        prompt: `many ${i}`,
      }),
    ),
    toneClip(shot("red"), { width: 320, height: 180, seconds: 2, color: "red", tone: 440 }),
    toneClip(shot("blue"), { width: 320, height: 180, seconds: 2, color: "blue" }),
    toneClip(shot("green"), { width: 320, height: 180, seconds: 2, color: "lime", tone: 660 }),
    toneClip(join(dir, "soundtrack.m4a"), {
      width: 16,
      height: 16,
      seconds: 10,
      color: "black",
      tone: 220,
    }),
  ]);
  uniform.push(...["u1", "u2", "u3"].map((id) => ({ id, path: shot(id) })));
  mixed.push(...["wide720", "tall1080", "wide1080"].map((id) => ({ id, path: shot(id) })));
  many.push(...Array.from({ length: 8 }, (_, i) => ({ id: `m${i}`, path: shot(`m${i}`) })));
  colours.push(...["red", "blue", "green"].map((id) => ({ id, path: shot(id) })));
  soundtrack = join(dir, "soundtrack.m4a");
});

afterAll(async () => {
  await removeDir(dir);
});

async function expectNoTempFiles() {
  expect(await listDir(work)).toEqual([]);
  const out = join(dir, "out");
  if (existsSync(out)) {
    expect((await listDir(out)).filter((name) => name !== "film.mp4")).toEqual([]);
  }
}

async function expectNoDrift(path: string) {
  const info = await probe(path);
  expect(info.audio).toBeDefined();
  expect(Math.abs(info.audio!.durationSeconds - info.video.durationSeconds)).toBeLessThanOrEqual(
    MAX_DRIFT_SECONDS,
  );
  expect(await audioGaps(path)).toEqual([]);
  return info;
}

describe("stitchFilm", () => {
  it("joins alike clips by stream copy: the packets are the inputs' packets, untouched", async () => {
    const result = await stitchFilm({ clips: uniform, config: config(), workDir: work });
    expect(result.mode).toBe("copy");
    expect(result.reason).toBeUndefined();
    expect(result.hasAudio).toBe(true);
    // The film lasts the clips' video: 3 x 3 s (the AAC priming packet leads by one frame).
    const infos = await Promise.all(uniform.map((c) => probe(c.path)));
    const videoSum = infos.reduce((total, info) => total + info.video.durationSeconds, 0);
    expect(result.expectedDurationSeconds).toBeCloseTo(videoSum, 6);
    expect(Math.abs(result.durationSeconds - videoSum)).toBeLessThanOrEqual(1 / 24);
    // Video: every packet of every clip, byte for byte, in order.
    const videoIn = (await Promise.all(uniform.map((c) => packetHashes(c.path, "v")))).flat();
    expect(await packetHashes(result.path, "v")).toEqual(videoIn);
    // Audio: byte-identical packets too; each clip gives its leading packets and may leave
    // out its padded tail (at most two packets), so the sound stays on the video's clock.
    const film = await audioPackets(result.path);
    const clips = await Promise.all(uniform.map((c) => audioPackets(c.path)));
    const runs = clipRuns(film, clips);
    runs.forEach((run, i) => {
      expect(run.count).toBeGreaterThanOrEqual(clips[i]!.length - 2);
    });
    expect(runs.reduce((sum, run) => sum + run.count, 0)).toBe(film.length);
    await expectNoTempFiles();
  });

  it("keeps every clip's sound on its picture across many copy joins (no drift)", async () => {
    const result = await stitchFilm({ clips: many, config: config(), workDir: work });
    expect(result.mode).toBe("copy");
    const info = await expectNoDrift(result.path);
    // Where each clip's audio and video start in the film, found by matching packets.
    const film = await audioPackets(result.path);
    const clips = await Promise.all(many.map((c) => audioPackets(c.path)));
    const runs = clipRuns(film, clips);
    const video = await videoStarts(result.path, 48);
    const sources = await Promise.all(many.map((c) => videoStarts(c.path, 48)));
    const aacFrame = 1024 / 44_100;
    // A decoder plays 1024 samples per packet whatever the container's timestamps say, so
    // each packet must last exactly that (plain concat shortened the padded ones instead).
    for (const packet of film.slice(0, -1)) expect(packet.duration).toBeCloseTo(aacFrame, 5);
    // Where a player reaches each clip's first audio packet, against that clip's first frame.
    const offsets = runs.map((run, i) => {
      const lead = clips[i]![0]!.pts - sources[i]![0]!;
      return film[0]!.pts + run.start * aacFrame - video[i]! - lead;
    });
    for (const offset of offsets)
      expect(Math.abs(offset)).toBeLessThanOrEqual(aacFrame / 2 + 0.001);
    // ...and it does not grow with the join count (plain concat drifted ~18 ms per join).
    expect(Math.abs(offsets.at(-1)! - offsets[0]!)).toBeLessThanOrEqual(aacFrame);
    // The picture runs on without gaps: clip k starts 2 s after clip k − 1.
    expect(info.video.durationSeconds).toBeCloseTo(many.length * 2, 3);
    expect(video.slice(1).map((start, i) => start - video[i]!)).toEqual(
      Array.from({ length: many.length - 1 }, () => expect.closeTo(2, 3)),
    );
  });

  it("normalises a mixed set (720p/1080p, 16:9/9:16, with and without audio) with no drift", async () => {
    const result = await stitchFilm({ clips: mixed, config: config(), workDir: work });
    expect(result).toMatchObject({
      mode: "normalize",
      width: 1280,
      height: 720,
      fps: 24,
      hasAudio: true,
    });
    expect(result.reason).toContain("size");
    expect(result.expectedDurationSeconds).toBeCloseTo(10, 6);
    expect(Math.abs(result.durationSeconds - 10)).toBeLessThanOrEqual(3 / 24);
    await expectNoDrift(result.path);
    // The silent 9:16 shot got silence of its own length, between its neighbours' sound.
    expect(await meanVolume(result.path, 0.3, 2.4)).toBeGreaterThan(-60);
    expect(await meanVolume(result.path, 3.3, 2.4)).toBeLessThan(-80);
    expect(await meanVolume(result.path, 6.3, 3.4)).toBeGreaterThan(-60);
    // ...and is pillarboxed: black bars left and right, picture in the middle.
    const bar = await frameColour(result.path, 4.5, "100:720:0:0");
    expect(bar.y).toBeLessThan(20);
    await expectNoTempFiles();
  });

  it("crossfades with the split/trim + blend graph (ffmpeg without xfade): sum − overlaps", async () => {
    const result = await stitchFilm({
      clips: colours,
      config: config({ transition: "crossfade", transitionDuration: 0.5 }),
      crossfade: "blend",
      workDir: work,
    });
    expect(result.crossfade).toBe("blend");
    expect(result.expectedDurationSeconds).toBeCloseTo(6 - 2 * 0.5, 6);
    expect(Math.abs(result.durationSeconds - 5)).toBeLessThanOrEqual(3 / 24);
    await expectNoDrift(result.path);
    await expectCrossfadeLooks(result.path);
  });

  it.skipIf(!xfadeFfmpeg)(
    `crossfades with xfade on a system ffmpeg that has it (${xfadeFfmpeg ?? "none on PATH"})`,
    async () => {
      const result = await stitchFilm({
        clips: colours,
        config: config({ transition: "crossfade", transitionDuration: 0.5 }),
        ffmpegPath: xfadeFfmpeg,
        workDir: work,
      });
      expect(result.crossfade).toBe("xfade");
      expect(Math.abs(result.durationSeconds - 5)).toBeLessThanOrEqual(3 / 24);
      await expectNoDrift(result.path);
      await expectCrossfadeLooks(result.path);
    },
  );

  it("uses the bundled ffmpeg's fallback automatically, since it lacks xfade", async () => {
    const caps = await detectCapabilities();
    const result = await stitchFilm({
      clips: colours.slice(0, 2),
      config: config({ transition: "crossfade", transitionDuration: 0.25 }),
      workDir: work,
    });
    expect(result.crossfade).toBe(caps.xfade ? "xfade" : "blend");
    expect(Math.abs(result.durationSeconds - 3.75)).toBeLessThanOrEqual(2 / 24);
  });

  it("mixes a soundtrack in under the clips' own audio, cut to the film's length", async () => {
    const plain = await stitchFilm({ clips: colours, config: config(), workDir: work });
    expect(plain.mode).toBe("normalize");
    const silentPart = await meanVolume(plain.path, 2.2, 1.6);
    const plainLevel = await meanVolume(plain.path, 0, 6);
    const result = await stitchFilm({
      clips: colours,
      config: config({ audio: { soundtrack }, audioVolume: 2 }),
      workDir: work,
    });
    expect(result.durationSeconds).toBeCloseTo(6, 1);
    await expectNoDrift(result.path);
    expect(silentPart).toBeLessThan(-80);
    // The blue shot has no audio of its own: now the soundtrack plays there.
    expect(await meanVolume(result.path, 2.2, 1.6)).toBeGreaterThan(-30);
    expect(await meanVolume(result.path, 0, 6)).toBeGreaterThan(plainLevel + 3);
  });

  it("keeps a silent AAC track when audio is muted", async () => {
    const result = await stitchFilm({
      clips: colours,
      config: config({ audio: "mute" }),
      workDir: work,
    });
    expect(result.hasAudio).toBe(true);
    await expectNoDrift(result.path);
    expect(await meanVolume(result.path, 0, 6)).toBeLessThan(-80);
  });

  it("names the missing shot, its path and what to run", async () => {
    const clips = [uniform[0]!, { id: "hero", path: join(dir, "hero.mp4") }];
    const error = await stitchFilm({
      clips,
      config: config({ output: join(dir, "out", "x.mp4") }),
      storyboardFile: "teaser.yaml",
      workDir: work,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExitError);
    const message = (error as Error).message;
    expect(message).toContain('shot "hero"');
    expect(message).toContain(join(dir, "hero.mp4"));
    expect(message).toContain("gallop run teaser.yaml");
    expect(existsSync(join(dir, "out", "x.mp4"))).toBe(false);
    await expectNoTempFiles();
  });

  it("says which shot is not a video", async () => {
    const bogus = join(dir, "bogus.mp4");
    await writeFile(bogus, "not a video");
    const error = await stitchFilm({
      clips: [{ id: "bogus", path: bogus }],
      config: config(),
      workDir: work,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Shot "bogus": .*bogus\.mp4 is not a readable video/);
  });

  it("removes its temp files when stopped half-way through an encode", async () => {
    const controller = new AbortController();
    const output = join(dir, "out", "stopped.mp4");
    const promise = stitchFilm({
      clips: mixed,
      config: config({ output, size: { width: 1920, height: 1080 } }),
      workDir: work,
      signal: controller.signal,
      onProgress: (_fraction, stage) => {
        if (stage === "encoding") setTimeout(() => controller.abort(), 300);
      },
    });
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExitError);
    expect((error as ExitError).exitCode).toBe(130);
    expect(existsSync(output)).toBe(false);
    await expectNoTempFiles();
  });
});

async function expectCrossfadeLooks(path: string) {
  // red (V≈240) → blue (V≈110): half-way through the first overlap the frame is a mix.
  const red = await frameColour(path, 0.5);
  const mid = await frameColour(path, 1.5 + 0.25);
  const blue = await frameColour(path, 2.5);
  expect(red.v).toBeGreaterThan(200);
  expect(blue.v).toBeLessThan(130);
  expect(mid.v).toBeGreaterThan(blue.v + 20);
  expect(mid.v).toBeLessThan(red.v - 20);
}

interface AudioPacket {
  pts: number;
  duration: number;
  hash: string;
}

/** The audio packets of a file: timestamp and size + hash of the bytes. */
async function audioPackets(path: string): Promise<AudioPacket[]> {
  const out = await captureOutput(locateBinary("ffprobe").path, [
    "-v",
    "error",
    "-select_streams",
    "a:0",
    "-show_data_hash",
    "MD5",
    "-show_entries",
    "packet=pts_time,duration_time,size,data_hash",
    "-of",
    "json",
    path,
  ]);
  const packets = (JSON.parse(out) as { packets: Record<string, string>[] }).packets;
  return packets.map((p) => ({
    pts: Number(p.pts_time),
    duration: Number(p.duration_time),
    hash: `${p.size},${p.data_hash}`,
  }));
}

/** Splits the film's audio into runs of each clip's leading packets (byte-identical). */
function clipRuns(film: AudioPacket[], clips: AudioPacket[][]): { start: number; count: number }[] {
  let at = 0;
  return clips.map((clip, i) => {
    let count = 0;
    while (count < clip.length && film[at + count]?.hash === clip[count]!.hash) count++;
    expect(count, `clip ${i + 1}'s audio packets in the film`).toBeGreaterThan(0);
    const run = { start: at, count };
    at += count;
    return run;
  });
}

/** Start time of every `framesPerClip`-th video frame (the clips' first frames). */
async function videoStarts(path: string, framesPerClip: number): Promise<number[]> {
  const out = await captureOutput(locateBinary("ffprobe").path, [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_entries",
    "packet=pts_time",
    "-of",
    "csv=p=0",
    path,
  ]);
  const pts = out
    .split("\n")
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);
  return pts.filter((_, i) => i % framesPerClip === 0);
}

describe("extractFrame", () => {
  it("writes a poster PNG at the asked width", async () => {
    const dest = join(dir, "posters", "wide.png");
    await extractFrame(mixed[0]!.path, 1.5, dest, { width: 320 });
    const info = await probe(dest);
    expect(info.video).toMatchObject({ codec: "png", width: 320, height: 180 });
    expect(await listDir(join(dir, "posters"))).toEqual(["wide.png"]);
  });
});
