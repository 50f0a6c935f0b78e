import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { locateBinary } from "../../src/media/ffmpeg.js";
import { clipSize, renderClip } from "../../src/simulator/index.js";
import type { GenerateRequest } from "../../src/types.js";
import { probeClip, testImage } from "../helpers/probe.js";
import { useTempDir } from "../helpers/tmp.js";

const run = promisify(execFile);

describe("renderClip", () => {
  const tmp = useTempDir("gallop-render-");

  it("sizes clips by their short side", () => {
    expect(clipSize("1080p", "16:9")).toEqual({ width: 1920, height: 1080 });
    expect(clipSize("1080p", "9:16")).toEqual({ width: 1080, height: 1920 });
    expect(clipSize("1080p", "1:1")).toEqual({ width: 1080, height: 1080 });
    expect(clipSize("1080p", "4:3")).toEqual({ width: 1440, height: 1080 });
    expect(clipSize("1080p", "21:9")).toEqual({ width: 2520, height: 1080 });
    expect(clipSize("720p", "16:9")).toEqual({ width: 1280, height: 720 });
    expect(clipSize("720p", "4:5")).toEqual({ width: 720, height: 900 });
    expect(clipSize("720p", "9:21")).toEqual({ width: 720, height: 1680 });
  });

  const cases: [
    string,
    GenerateRequest,
    { audio?: boolean; fontFile?: null },
    [number, number],
    boolean,
  ][] = [
    [
      "21:9 1080p text-to-video with audio",
      {
        model: "happyhorse-1-1/text-to-video",
        prompt: "Wide 'quoted' prompt: with, commas; and [brackets] %{pts}",
        duration: 3,
        resolution: "1080p",
        aspect_ratio: "21:9",
      },
      { audio: true },
      [2520, 1080],
      true,
    ],
    [
      "4:5 720p text-to-video without audio, 7.5 s",
      {
        model: "happyhorse-1-1/text-to-video",
        prompt: "portrait",
        duration: 7.5,
        resolution: "720p",
        aspect_ratio: "4:5",
      },
      { audio: false },
      [720, 900],
      false,
    ],
    [
      "image-to-video placeholder (remote URL) falls back to 16:9",
      {
        model: "happyhorse-1-1/image-to-video",
        image_urls: ["https://example.com/never-fetched.jpg"],
        duration: 3,
        resolution: "720p",
      },
      { audio: false },
      [1280, 720],
      false,
    ],
    [
      "text-to-video without any font still renders",
      {
        model: "happyhorse-1-1/text-to-video",
        prompt: "no font",
        duration: 3,
        resolution: "720p",
        aspect_ratio: "1:1",
      },
      { audio: false, fontFile: null },
      [720, 720],
      false,
    ],
  ];
  for (const [name, request, options, size, audio] of cases) {
    it(name, async () => {
      const dest = join(tmp.path, `${name.replace(/\W+/g, "-")}.mp4`);
      await renderClip(request, dest, options);
      const info = await probeClip(dest);
      expect([info.width, info.height]).toEqual(size);
      expect(info.codec).toBe("h264");
      expect(info.pixFmt).toBe("yuv420p");
      expect(Math.abs(info.duration - request.duration)).toBeLessThanOrEqual(0.1);
      expect(info.audio).toBe(audio ? "aac" : undefined);
    });
  }

  it("animates a local image at the image's aspect when image-to-video has no aspect_ratio", async () => {
    const image = join(tmp.path, "tall.png");
    await testImage(image, 600, 800);
    const dest = join(tmp.path, "tall.mp4");
    await renderClip(
      {
        model: "happyhorse-1-1/image-to-video",
        image_urls: [image],
        duration: 3,
        resolution: "720p",
      },
      dest,
      { audio: false },
    );
    const info = await probeClip(dest);
    expect([info.width, info.height]).toEqual([720, 960]);
    // Push-in: the first and last frames differ.
    const frame = async (at: string, out: string) => {
      await run(locateBinary("ffmpeg").path, [
        "-loglevel",
        "error",
        "-ss",
        at,
        "-i",
        dest,
        "-frames:v",
        "1",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-s",
        "32x32",
        out,
      ]);
      const { readFile } = await import("node:fs/promises");
      return readFile(out);
    };
    const first = await frame("0", join(tmp.path, "a.raw"));
    const last = await frame("2.8", join(tmp.path, "b.raw"));
    expect(first.equals(last)).toBe(false);
  });

  it("leaves no temporary files behind and stops when aborted", async () => {
    const controller = new AbortController();
    const dest = join(tmp.path, "aborted.mp4");
    const pending = renderClip(
      {
        model: "happyhorse-1-1/text-to-video",
        prompt: "long",
        duration: 15,
        resolution: "1080p",
        aspect_ratio: "16:9",
      },
      dest,
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toThrow();
    expect(
      (await readdir(tmp.path)).filter((f) => f.endsWith(".render.mp4") || f === "aborted.mp4"),
    ).toEqual([]);
  });
});
