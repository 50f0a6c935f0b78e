/** Resolution: defaults, vars, model ids, requests and their fingerprints. */
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import {
  canonicalJson,
  checkStoryboardSource,
  fingerprintRequest,
  loadStoryboard,
  requestWithImageUrls,
} from "../../src/manifest/index.js";
import { ASPECT_RATIOS, type Storyboard } from "../../src/types.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

let dir: string;
beforeAll(async () => {
  dir = await tempDir("gallop-resolve-");
});
afterAll(async () => {
  await removeDir(dir);
});

async function resolveSource(source: string, name = "board.yaml"): Promise<Storyboard> {
  const { storyboard, problems } = await checkStoryboardSource(source, join(dir, name));
  expect(problems.filter((p) => p.severity === "error")).toEqual([]);
  return storyboard!;
}

const BASE = `version: 1
vars:
  style: cinematic
defaults:
  model: text-to-video
shots:
  - id: a
    prompt: "A glass city. {{style}}"
  - id: b
    model: image-to-video
    images: [https://example.com/b.jpg]
  - id: c
    model: reference-to-video
    prompt: "[Image 1] on a table"
    images: [https://example.com/c.jpg]
`;

describe("resolution", () => {
  it("applies defaults, vars and full model ids, and builds the exact requests", async () => {
    const board = await resolveSource(BASE);
    expect(board.name).toBe("board");
    expect(board.outputDir).toBe(join(dir, "out", "board"));
    expect(board.concurrency).toBe(4);
    expect(board.polling).toEqual({
      initialDelayMs: 5000,
      intervalMs: 10000,
      maxIntervalMs: 20000,
      timeoutMs: 900000,
    });
    expect(board.stitch).toEqual({
      output: join(dir, "out", "board", "board.mp4"),
      shots: ["a", "b", "c"],
      transition: "none",
      transitionDuration: 0.5,
      audio: "keep",
      audioVolume: 1,
    });
    expect(board.upload).toBeUndefined();
    const [a, b, c] = board.shots;
    expect(a?.request).toEqual({
      model: "happyhorse-1-1/text-to-video",
      prompt: "A glass city. cinematic",
      duration: 5,
      resolution: "1080p",
      aspect_ratio: "16:9",
    });
    expect(b?.request).toEqual({
      model: "happyhorse-1-1/image-to-video",
      image_urls: ["https://example.com/b.jpg"],
      duration: 5,
      resolution: "1080p",
    });
    expect(c?.request).toEqual({
      model: "happyhorse-1-1/reference-to-video",
      prompt: "[Image 1] on a table",
      reference_image: ["https://example.com/c.jpg"],
      duration: 5,
      resolution: "1080p",
      aspect_ratio: "16:9",
    });
    expect(board.shots.map((s) => [s.id, s.index, s.takes, s.position?.line])).toEqual([
      ["a", 0, 1, 7],
      ["b", 1, 1, 9],
      ["c", 2, 1, 12],
    ]);
    expect(a?.fingerprint).toBe(fingerprintRequest(a!.request));
    expect(a?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("never sends aspect_ratio for image-to-video, even with a ratio in defaults", async () => {
    const board = await resolveSource(
      BASE.replace("  model: text-to-video", '  model: text-to-video\n  ratio: "9:16"'),
    );
    expect(board.shots[1]?.request).not.toHaveProperty("aspect_ratio");
    expect(board.shots[0]?.request.aspect_ratio).toBe("9:16");
    expect(board.shots[2]?.request.aspect_ratio).toBe("9:16");
  });

  it.each(ASPECT_RATIOS)("reads the unquoted ratio %s as text", async (ratio) => {
    const board = await resolveSource(
      `version: 1\nshots:\n  - id: a\n    model: text-to-video\n    prompt: x\n    ratio: ${ratio}\n`,
    );
    expect(board.shots[0]?.request.aspect_ratio).toBe(ratio);
  });

  it("reads every setting: name, output, polling, concurrency, stitch, upload, takes", async () => {
    await writeFile(join(dir, "music.mp3"), "not really audio");
    const board = await resolveSource(`version: 1
name: teaser
output: renders
defaults: { model: text-to-video, duration: 8, resolution: 720p, ratio: "1:1", takes: 2 }
polling: { initial_delay: 500ms, interval: 3, max_interval: 1m, timeout: 1.5h }
concurrency: 16
upload: { command: [uploader, "{file}", "--sha", "{sha256}"] }
stitch:
  output: final/film.mp4
  shots: [b, a]
  transition: crossfade
  transition_duration: 0.25
  audio: music.mp3
  audio_volume: 0.5
  size: 1280x720
  fps: 24
shots:
  - { id: a, prompt: one, takes: 3 }
  - { id: b, prompt: two, duration: 3.5 }
`);
    expect(board.name).toBe("teaser");
    expect(board.outputDir).toBe(join(dir, "renders"));
    expect(board.polling).toEqual({
      initialDelayMs: 500,
      intervalMs: 3000,
      maxIntervalMs: 60000,
      timeoutMs: 5400000,
    });
    expect(board.concurrency).toBe(16);
    expect(board.upload).toEqual({ command: ["uploader", "{file}", "--sha", "{sha256}"] });
    expect(board.stitch).toEqual({
      output: join(dir, "renders", "final", "film.mp4"),
      shots: ["b", "a"],
      transition: "crossfade",
      transitionDuration: 0.25,
      audio: { soundtrack: join(dir, "music.mp3") },
      audioVolume: 0.5,
      size: { width: 1280, height: 720 },
      fps: 24,
    });
    expect(board.shots.map((s) => s.takes)).toEqual([3, 2]);
    expect(board.shots[0]?.request).toEqual({
      model: "happyhorse-1-1/text-to-video",
      prompt: "one",
      duration: 8,
      resolution: "720p",
      aspect_ratio: "1:1",
    });
    expect(board.shots[1]?.request.duration).toBe(3.5);
  });

  it("trims block-scalar prompts and accepts YAML anchors and merge keys", async () => {
    const board = await resolveSource(`version: 1
defaults: &base
  model: text-to-video
  duration: 4
shots:
  - <<: *base
    id: a
    prompt: |
      A glass city
      at dawn.
`);
    expect(board.shots[0]?.request.prompt).toBe("A glass city\nat dawn.");
    expect(board.shots[0]?.request.duration).toBe(4);
  });

  it("keeps going with warnings: an unused var does not block", async () => {
    const { storyboard, problems } = await checkStoryboardSource(
      `version: 1\nvars: { unused: x }\nshots:\n  - { id: a, model: text-to-video, prompt: y }\n`,
      join(dir, "w.yaml"),
    );
    expect(storyboard?.shots).toHaveLength(1);
    expect(problems.map((p) => [p.severity, p.line, p.col, p.message])).toEqual([
      ["warning", 2, 9, "var `unused` is never used in a prompt"],
    ]);
  });
});

describe("fingerprints", () => {
  const fingerprints = async (source: string) =>
    (await resolveSource(source)).shots.map((s) => s.fingerprint);

  it("changes when any field that reaches the API changes", async () => {
    const [a, b, c] = await fingerprints(BASE);
    const changes: Array<[string, string, number]> = [
      ["prompt", BASE.replace("A glass city.", "A glass town."), 0],
      ["var value", BASE.replace("style: cinematic", "style: noir"), 0],
      [
        "model",
        BASE.replace("  model: text-to-video", "  model: reference-to-video").replace(
          "  - id: a\n",
          "  - id: a\n    images: [https://example.com/c.jpg]\n",
        ),
        0,
      ],
      ["duration", BASE.replace("  - id: a\n", "  - id: a\n    duration: 6\n"), 0],
      [
        "default duration",
        BASE.replace("  model: text-to-video", "  model: text-to-video\n  duration: 7"),
        1,
      ],
      ["resolution", BASE.replace("  - id: a\n", "  - id: a\n    resolution: 720p\n"), 0],
      ["ratio", BASE.replace("  - id: a\n", "  - id: a\n    ratio: 4:5\n"), 0],
      ["ratio (reference)", BASE.replace("  - id: c\n", "  - id: c\n    ratio: 21:9\n"), 2],
      ["image url", BASE.replace("example.com/b.jpg", "example.com/b2.jpg"), 1],
      [
        "image-to-video prompt",
        BASE.replace(
          "    images: [https://example.com/b.jpg]",
          "    images: [https://example.com/b.jpg]\n    prompt: push in",
        ),
        1,
      ],
      ["reference image", BASE.replace("example.com/c.jpg", "example.com/c2.jpg"), 2],
    ];
    const before = [a, b, c];
    for (const [what, source, index] of changes) {
      const after = await fingerprints(source);
      expect(after[index], what).not.toBe(before[index]);
    }
  });

  it("stays the same when only things the API never sees change", async () => {
    const before = await fingerprints(BASE);
    const same = [
      BASE.replace(
        "version: 1",
        "version: 1\nname: other\nconcurrency: 2\npolling: { interval: 20s }",
      ),
      BASE.replace("  - id: a\n", "  - id: a\n    takes: 4\n"),
      // a ratio in defaults is not sent for image-to-video
      BASE.replace("  model: text-to-video", '  model: text-to-video\n  ratio: "16:9"'),
      // the default values written out
      BASE.replace(
        "  model: text-to-video",
        "  model: happyhorse-1-1/text-to-video\n  duration: 5\n  resolution: 1080p",
      ),
      // keys in another order
      BASE.replace(
        '  - id: c\n    model: reference-to-video\n    prompt: "[Image 1] on a table"\n',
        '  - prompt: "[Image 1] on a table"\n    model: reference-to-video\n    id: c\n',
      ),
    ];
    for (const source of same) expect(await fingerprints(source)).toEqual(before);
  });

  it("does not depend on the order of shots", async () => {
    const board = await resolveSource(BASE);
    const lines = BASE.split("\n");
    const header = lines.slice(0, 6).join("\n");
    const shotA = lines.slice(6, 8).join("\n");
    const shotB = lines.slice(8, 11).join("\n");
    const shotC = lines.slice(11, 15).join("\n");
    const reordered = await resolveSource(`${header}\n${shotC}\n${shotA}\n${shotB}\n`);
    const byId = (s: Storyboard) => Object.fromEntries(s.shots.map((x) => [x.id, x.fingerprint]));
    expect(byId(reordered)).toEqual(byId(board));
    expect(reordered.shots.map((s) => s.id)).toEqual(["c", "a", "b"]);
  });

  it("follows a local image's content, not its path", async () => {
    await writeFile(join(dir, "one.png"), "first content");
    await writeFile(join(dir, "copy.png"), "first content");
    const source = (path: string) =>
      `version: 1\nshots:\n  - id: a\n    model: image-to-video\n    images: [${path}]\n`;
    const one = await resolveSource(source("one.png"));
    const copy = await resolveSource(source("./copy.png"));
    expect(copy.shots[0]?.fingerprint).toBe(one.shots[0]?.fingerprint);
    const image = one.shots[0]?.images[0];
    expect(image).toEqual({
      kind: "file",
      path: "one.png",
      absPath: join(dir, "one.png"),
      sha256: createHash("sha256").update("first content").digest("hex"),
    });
    expect(one.shots[0]?.request.image_urls).toEqual([
      `local-sha256:${createHash("sha256").update("first content").digest("hex")}`,
    ]);
    await writeFile(join(dir, "one.png"), "second content");
    const changed = await resolveSource(source("one.png"));
    expect(changed.shots[0]?.fingerprint).not.toBe(one.shots[0]?.fingerprint);
  });

  it("swaps image placeholders for real URLs at submit time, in image order", async () => {
    await writeFile(join(dir, "ref.png"), "reference");
    const board = await resolveSource(`version: 1
shots:
  - id: a
    model: reference-to-video
    prompt: "[Image 1] and [Image 2]"
    images: [ref.png, https://example.com/2.jpg]
`);
    const shot = board.shots[0]!;
    const sent = requestWithImageUrls(shot, (image) =>
      image.kind === "url" ? image.url : `https://cdn.test/${image.sha256}.png`,
    );
    const hash = shot.images[0]?.kind === "file" ? shot.images[0].sha256 : "";
    expect(sent.reference_image).toEqual([
      `https://cdn.test/${hash}.png`,
      "https://example.com/2.jpg",
    ]);
    expect(shot.request.reference_image?.[0]).toBe(`local-sha256:${hash}`);
    expect(sent.prompt).toBe(shot.request.prompt);
  });
});

describe("canonical JSON", () => {
  it("sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[2,1]},"b":1}',
    );
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});

describe("loadStoryboard", () => {
  it("throws an InputError listing every problem (exit code 2)", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(
      file,
      "version: 1\nshots:\n  - id: a\n    model: text-to-video\n    duration: 20\n",
    );
    const error = await loadStoryboard(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toContain(`${file}:3:5: shot \`a\` needs a \`prompt\``);
    expect((error as InputError).message).toContain(
      `${file}:5:15: \`duration\` must be between 3 and 15`,
    );
  });

  it("says clearly when the file does not exist", async () => {
    const error = await loadStoryboard(join(dir, "nope.yaml")).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      "nope.yaml: cannot read the storyboard: no such file",
    );
  });

  it("loads a valid storyboard", async () => {
    const file = join(dir, "good.yaml");
    await writeFile(file, "version: 1\nshots:\n  - { id: a, model: text-to-video, prompt: x }\n");
    const board = await loadStoryboard(file);
    expect(board.file).toBe(file);
    expect(board.dir).toBe(dir);
  });
});
