import { describe, expect, it } from "vitest";
import { parseListing, parseVersion } from "../../src/media/capabilities.js";
import { type ClipInfo, clipInfoFromProbe, parseRational } from "../../src/media/probe.js";
import {
  buildFilmGraph,
  type CopySource,
  concatList,
  concatListLine,
  copyBlocker,
  copyJoinProblems,
  type FilmPacket,
  fitInside,
  fpsRational,
  planCopyJoin,
  samplesFor,
  TransitionTooLongError,
  targetFor,
} from "../../src/media/stitch-plan.js";
import type { StitchConfig } from "../../src/types.js";

function clip(
  overrides: Partial<ClipInfo["video"]> = {},
  audio: boolean | Partial<NonNullable<ClipInfo["audio"]>> = true,
  path = "/clips/a.mp4",
): ClipInfo {
  return {
    path,
    formatName: "mov,mp4,m4a,3gp,3g2,mj2",
    durationSeconds: 3,
    bytes: 1000,
    video: {
      codec: "h264",
      profile: "High",
      width: 1280,
      height: 720,
      sar: { num: 1, den: 1 },
      pixFmt: "yuv420p",
      frameRate: { num: 24, den: 1 },
      timeBase: { num: 1, den: 12288 },
      durationSeconds: 3,
      ...overrides,
    },
    audio: audio
      ? {
          codec: "aac",
          sampleRate: 48000,
          channels: 2,
          channelLayout: "stereo",
          timeBase: { num: 1, den: 48000 },
          durationSeconds: 3,
          ...(typeof audio === "object" ? audio : {}),
        }
      : undefined,
  };
}

const config: StitchConfig = {
  output: "/out/film.mp4",
  shots: [],
  transition: "none",
  transitionDuration: 0.5,
  audio: "keep",
  audioVolume: 1,
};

describe("copyBlocker", () => {
  it("allows the copy path for alike clips", () => {
    expect(copyBlocker([clip(), clip(), clip()], config)).toBeUndefined();
  });

  it.each([
    ["size", clip({ width: 1920, height: 1080 })],
    ["pixel aspect ratio", clip({ sar: { num: 4, den: 3 } })],
    ["pixel format", clip({ pixFmt: "yuv444p" })],
    ["frame rate", clip({ frameRate: { num: 30, den: 1 } })],
    ["timebase", clip({ timeBase: { num: 1, den: 15360 } })],
    ["video codec", clip({ codec: "hevc" })],
    ["having audio", clip({}, false)],
    ["audio format", clip({}, { sampleRate: 44100 })],
    ["audio format", clip({}, { channelLayout: "mono", channels: 1 })],
    ["codec parameters", clip({ extradataHash: "SHA256:b" })],
  ])("refuses it when a clip differs in %s", (what, other) => {
    const first = clip({ extradataHash: "SHA256:a" });
    expect(copyBlocker([first, other], config)).toContain(what);
  });

  it("treats equal rationals written differently as equal", () => {
    expect(copyBlocker([clip(), clip({ frameRate: { num: 48, den: 2 } })], config)).toBeUndefined();
  });

  it("refuses it for a transition, a soundtrack, mute, or a differing size/fps", () => {
    const clips = [clip(), clip()];
    expect(copyBlocker(clips, { ...config, transition: "crossfade" })).toMatch(/transition/);
    expect(copyBlocker(clips, { ...config, audio: "mute" })).toMatch(/audio/);
    expect(copyBlocker(clips, { ...config, audio: { soundtrack: "/a.mp3" } })).toMatch(/audio/);
    expect(copyBlocker(clips, { ...config, size: { width: 1920, height: 1080 } })).toMatch(/size/);
    expect(copyBlocker(clips, { ...config, fps: 30 })).toMatch(/fps/);
    expect(
      copyBlocker(clips, { ...config, size: { width: 1280, height: 720 }, fps: 24 }),
    ).toBeUndefined();
  });
});

describe("targets", () => {
  it("defaults to the first clip's size and rate, honours overrides", () => {
    const clips = [
      clip({ frameRate: { num: 30000, den: 1001 } }),
      clip({ width: 720, height: 1280 }),
    ];
    expect(targetFor(clips, config)).toEqual({
      width: 1280,
      height: 720,
      fps: { num: 30000, den: 1001 },
    });
    expect(targetFor(clips, { ...config, size: { width: 1080, height: 1920 }, fps: 25 })).toEqual({
      width: 1080,
      height: 1920,
      fps: { num: 25, den: 1 },
    });
  });

  it("uses the display size of anamorphic clips", () => {
    expect(
      targetFor([clip({ width: 1440, height: 1080, sar: { num: 4, den: 3 } })], config),
    ).toMatchObject({
      width: 1920,
      height: 1080,
    });
  });

  it("maps storyboard frame rates to exact rationals", () => {
    expect(fpsRational(24)).toEqual({ num: 24, den: 1 });
    expect(fpsRational(29.97)).toEqual({ num: 30000, den: 1001 });
    expect(fpsRational(23.976)).toEqual({ num: 24000, den: 1001 });
    expect(fpsRational(12.5)).toEqual({ num: 12500, den: 1000 });
  });

  it("letterboxes and pillarboxes to even sizes, centred", () => {
    expect(fitInside({ width: 720, height: 1280 }, { width: 1280, height: 720 })).toEqual({
      width: 406,
      height: 720,
      x: 436,
      y: 0,
    });
    expect(fitInside({ width: 1920, height: 1080 }, { width: 1080, height: 1920 })).toEqual({
      width: 1080,
      height: 608,
      x: 0,
      y: 656,
    });
    expect(fitInside({ width: 1920, height: 1080 }, { width: 1280, height: 720 })).toEqual({
      width: 1280,
      height: 720,
      x: 0,
      y: 0,
    });
  });

  it("counts audio samples per frame exactly", () => {
    expect(samplesFor(72, { num: 24, den: 1 })).toBe(144_000);
    expect(samplesFor(90, { num: 30000, den: 1001 })).toBe(144_144);
  });
});

describe("buildFilmGraph", () => {
  const inputs = [
    { id: "a", clip: clip({}, true, "/c/a.mp4") },
    { id: "b", clip: clip({ width: 720, height: 1280, durationSeconds: 2 }, false, "/c/b.mp4") },
    { id: "c", clip: clip({ durationSeconds: 2.5 }, true, "/c/c.mp4") },
  ];
  const target = { width: 1280, height: 720, fps: { num: 24, den: 1 } };

  it("concatenates normalised clips, with silence of exactly the video length for a silent clip", () => {
    const film = buildFilmGraph(inputs, { config, target, crossfade: "blend" });
    expect(film.frames).toBe(72 + 48 + 60);
    expect(film.durationSeconds).toBeCloseTo(7.5, 9);
    expect(film.inputs).toEqual(["/c/a.mp4", "/c/b.mp4", "/c/c.mp4"]);
    expect(film.graph).toContain("anullsrc=r=48000:cl=stereo,atrim=end_sample=96000");
    expect(film.graph).toContain(
      "[1:v:0]setpts=PTS-STARTPTS,scale=406:720,setsar=1,pad=1280:720:436:0",
    );
    expect(film.graph).toContain("trim=end_frame=72");
    expect(film.graph).toContain("apad,atrim=end_sample=144000");
    expect(film.graph).toContain("[v0][v1][v2]concat=n=3:v=1:a=0[vjoin]");
    expect(film.graph).toContain("[a0][a1][a2]concat=n=3:v=0:a=1[afilm]");
  });

  it("overlaps video and audio by the same amount in a crossfade", () => {
    const xfade = buildFilmGraph(inputs, {
      config: { ...config, transition: "crossfade", transitionDuration: 0.5 },
      target,
      crossfade: "xfade",
    });
    expect(xfade.frames).toBe(72 + 48 + 60 - 2 * 12);
    expect(xfade.durationSeconds).toBeCloseTo(6.5, 9);
    expect(xfade.graph).toContain("xfade=transition=fade:duration=0.5:offset=2.5[vx1]");
    expect(xfade.graph).toContain("xfade=transition=fade:duration=0.5:offset=4[vjoin]");
    expect(xfade.graph).toContain("acrossfade=ns=24000");
    const blend = buildFilmGraph(inputs, {
      config: { ...config, transition: "crossfade", transitionDuration: 0.5 },
      target,
      crossfade: "blend",
    });
    expect(blend.frames).toBe(xfade.frames);
    expect(blend.graph).not.toContain("xfade");
    expect(blend.graph).toContain("[v1]split=3[h1][b1][t1]");
    expect(blend.graph).toContain("[b1]trim=start_frame=12:end_frame=36");
    expect(blend.graph).toContain("[bb0][x1][bb1][x2][bb2]concat=n=5:v=1:a=0[vjoin]");
  });

  it("rejects a crossfade longer than a shot can give", () => {
    expect(() =>
      buildFilmGraph(inputs, {
        config: { ...config, transition: "crossfade", transitionDuration: 1 },
        target,
        crossfade: "xfade",
      }),
    ).toThrow(TransitionTooLongError);
  });

  it("mixes a soundtrack at its volume and cuts it to the film's length", () => {
    const film = buildFilmGraph(inputs, {
      config: { ...config, audio: { soundtrack: "/music/song.mp3" }, audioVolume: 0.5 },
      target,
      crossfade: "xfade",
    });
    expect(film.inputs.at(-1)).toBe("/music/song.mp3");
    expect(film.graph).toContain("[3:a:0]aresample=48000");
    expect(film.graph).toContain("volume=0.5,apad,atrim=end_sample=360000[st]");
    expect(film.graph).toContain("amerge=inputs=2");
  });

  it("replaces all audio with silence when muted", () => {
    const film = buildFilmGraph(inputs, {
      config: { ...config, audio: "mute" },
      target,
      crossfade: "xfade",
    });
    expect(film.graph).not.toMatch(/\[\d:a/);
    expect(film.graph).toContain("anullsrc=r=48000:cl=stereo,atrim=end_sample=360000");
  });
});

describe("concat list", () => {
  it("quotes paths and escapes single quotes", () => {
    expect(concatListLine("/a b/it's.mp4")).toBe("file '/a b/it'\\''s.mp4'");
    expect(concatList(["/x.mp4", "/y.mp4"])).toBe(
      "ffconcat version 1.0\nfile '/x.mp4'\nfile '/y.mp4'\n",
    );
  });
});

describe("probe parsing", () => {
  it("parses rationals and rejects empty ones", () => {
    expect(parseRational("30000/1001")).toEqual({ num: 30000, den: 1001 });
    expect(parseRational("1:1")).toEqual({ num: 1, den: 1 });
    expect(parseRational("0/0")).toBeUndefined();
    expect(parseRational("N/A")).toBeUndefined();
  });

  it("builds a ClipInfo from ffprobe JSON, with matroska duration tags and no audio", () => {
    const info = clipInfoFromProbe(
      "/x.mkv",
      {
        streams: [
          {
            codec_type: "video",
            codec_name: "h264",
            width: 320,
            height: 180,
            pix_fmt: "yuv420p",
            r_frame_rate: "25/1",
            avg_frame_rate: "0/0",
            time_base: "1/1000",
            tags: { DURATION: "00:00:02.500000000" },
          },
        ],
        format: { format_name: "matroska,webm", duration: "2.520000" },
      },
      123,
    );
    expect(info).toMatchObject({
      durationSeconds: 2.52,
      bytes: 123,
      video: { frameRate: { num: 25, den: 1 }, durationSeconds: 2.5, sar: { num: 1, den: 1 } },
    });
    expect(info?.audio).toBeUndefined();
    expect(
      clipInfoFromProbe("/a.m4a", { streams: [{ codec_type: "audio" }], format: {} }, 1),
    ).toBeUndefined();
  });
});

describe("capability listing", () => {
  it("reads names from -filters and -encoders output of old and new ffmpeg", () => {
    const filters = parseListing(
      "Filters:\n  T.. = Timeline support\n ... acrossfade        AA->A      Cross fade\n TSC xfade             VV->V      Cross fade one video\n",
    );
    expect(filters.has("acrossfade")).toBe(true);
    expect(filters.has("xfade")).toBe(true);
    const encoders = parseListing(
      " V..... libx264              libx264 H.264\n A..... aac                  AAC\n",
    );
    expect([...encoders]).toEqual(["libx264", "aac"]);
    expect(parseVersion("ffmpeg version 5.1.9 Copyright (c) 2000")).toBe("ffmpeg version 5.1.9");
  });
});

const AAC = 1024 / 44_100;

/** A simulator-like clip: 24 fps video from 0, AAC with a priming packet at −1024 samples. */
function source(i: number, seconds = 3, audioPackets?: number): CopySource {
  const count = audioPackets ?? Math.ceil((seconds * 44_100) / 1024) + 1;
  return {
    path: `/clips/c${i}.mp4`,
    video: { start: 0, end: seconds, count: seconds * 24 },
    audio: { start: -AAC, end: -AAC + count * AAC, count, packetSeconds: AAC },
  };
}

/** The film a faithful copy of `plan` produces: video and audio packets back to back. */
function filmOf(sources: CopySource[], audioPackets: number[]) {
  const video: FilmPacket[] = [];
  const audio: FilmPacket[] = [];
  let t = 0;
  for (const s of sources) {
    for (let f = 0; f < s.video.count; f++) video.push({ pts: AAC + t + f / 24, duration: 1 / 24 });
    t += s.video.end - s.video.start;
  }
  let a = 0;
  for (const n of audioPackets) {
    for (let k = 0; k < n; k++) audio.push({ pts: (a + k) * AAC, duration: AAC });
    a += n;
  }
  return { video, audio };
}

describe("planCopyJoin", () => {
  it("keeps the audio within half an AAC packet of the video at every join, however many", () => {
    const sources = Array.from({ length: 40 }, (_, i) => source(i));
    const plan = planCopyJoin(sources);
    if ("blocker" in plan) throw new Error(plan.blocker);
    expect(plan.videoSeconds).toBeCloseTo(120, 9);
    expect(plan.videoStarts[39]).toBeCloseTo(117, 9);
    for (const shift of plan.audioShifts) expect(Math.abs(shift)).toBeLessThanOrEqual(AAC / 2);
    expect(Math.abs(plan.audioSeconds - plan.videoSeconds)).toBeLessThanOrEqual(AAC / 2);
    // Whole packets only, never more than the clip has, at most its padded tail left out.
    for (const n of plan.audioPackets) expect([129, 130]).toContain(n);
    expect(plan.videoList.split("\n").slice(1, 3)).toEqual(["file '/clips/c0.mp4'", "duration 3"]);
    expect(plan.audioList).toContain(
      "file '/clips/c0.mp4'\nduration 2.99537415\noutpoint 2.960544218\n",
    );
    expect(copyJoinProblems(sources, plan, filmOf(sources, plan.audioPackets))).toEqual([]);
  });

  it("plans video only when the clips have no audio", () => {
    const sources = [0, 1].map((i) => ({ ...source(i), audio: undefined }));
    const plan = planCopyJoin(sources);
    expect(plan).toMatchObject({ videoSeconds: 6, audioPackets: [] });
    expect("blocker" in plan ? "" : plan.audioList).toBeUndefined();
  });

  it("refuses clips whose audio is shorter than their video, or laid out differently", () => {
    expect(planCopyJoin([source(0), source(1, 3, 100)])).toEqual({
      blocker: "/clips/c1.mp4 has 673 ms less audio than video",
    });
    const late = source(1);
    late.audio = { ...late.audio!, start: 0.2 };
    expect(planCopyJoin([source(0), late])).toMatchObject({
      blocker: expect.stringContaining("starts its audio"),
    });
    const varying = source(1);
    varying.audio = { ...varying.audio!, packetSeconds: undefined };
    expect(planCopyJoin([source(0), varying])).toMatchObject({
      blocker: expect.stringContaining("varying"),
    });
  });
});

describe("copyJoinProblems", () => {
  const sources = Array.from({ length: 6 }, (_, i) => source(i));
  const plan = planCopyJoin(sources) as Exclude<
    ReturnType<typeof planCopyJoin>,
    { blocker: string }
  >;

  it("finds a clip whose sound ended up off its picture", () => {
    // what plain concatenation does: every clip's packets, all of them
    const all = sources.map((s) => s.audio!.count);
    const film = filmOf(sources, all);
    const problems = copyJoinProblems(sources, { ...plan, audioPackets: all }, film);
    // 1844 samples (41.8 ms) more per clip than its video: clip 2 on, growing
    expect(problems.filter((p) => / ms off its video/.test(p))).toEqual(
      [2, 3, 4, 5, 6].map((n) =>
        expect.stringContaining(
          `clip ${n} (/clips/c${n - 1}.mp4): its audio is ${((1844 / 44.1) * (n - 1)).toFixed(1)}`,
        ),
      ),
    );
  });

  it("finds lost packets and jumps in the audio", () => {
    const film = filmOf(sources, plan.audioPackets);
    expect(copyJoinProblems(sources, plan, { ...film, audio: film.audio.slice(1) })[0]).toMatch(
      /audio packets, expected/,
    );
    const jumped = film.audio.map((p, i) => (i >= 500 ? { ...p, pts: p.pts + 0.01 } : p));
    expect(copyJoinProblems(sources, plan, { ...film, audio: jumped })[0]).toMatch(
      /jumps by 10\.0 ms/,
    );
  });
});
