/**
 * The contact sheet end to end: real simulator clips, a real lockfile and journal, real
 * ffmpeg for the posters and the strip, and the page rendered by headless Chromium.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LockFile, type LockTake, loadLock, serializeLock } from "../../src/lock/index.js";
import { loadStoryboard } from "../../src/manifest/index.js";
import { lockPathFor } from "../../src/paths.js";
import {
  type ReportResult,
  STRIP_ROW_LENGTH,
  STRIP_TILE,
  writeReport,
  writeStrip,
} from "../../src/report/index.js";
import { sha256File } from "../../src/run/index.js";
import { renderClip } from "../../src/simulator/index.js";
import type { ResolvedShot, Storyboard } from "../../src/types.js";
import { frameSize } from "../helpers/probe.js";
import { removeDir, tempDir } from "../helpers/tmp.js";
import { frameColour } from "./media-fixtures.js";

// GALLOP_TEST_CHROMIUM points the test at another build (or at nothing, to see the skip).
const CHROMIUM = process.env.GALLOP_TEST_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const PROMPT = `A glass city at sunrise <script>alert("x")</script> & 'quotes'`;
const API_ERROR = "Content policy violation: the prompt <mentions> a trademark";

const STORYBOARD = `version: 1
name: teaser
defaults:
  model: text-to-video
  duration: 3
  resolution: 720p
  ratio: "16:9"
shots:
  - id: opening
    prompt: ${JSON.stringify(PROMPT)}
    takes: 2
  - id: hero
    prompt: A red banner in the wind.
    ratio: "9:16"
  - id: closing
    prompt: The logo.
  - id: pending
    prompt: Not generated yet.
`;

let dir: string;
let storyboard: Storyboard;
let result: ReportResult;
let lockBytes: string;
let journalBytes: string;

function shotOf(id: string): ResolvedShot {
  const shot = storyboard.shots.find((s) => s.id === id);
  if (!shot) throw new Error(`no shot ${id}`);
  return shot;
}

async function succeeded(shot: ResolvedShot, take: number, file: string): Promise<LockTake> {
  const abs = join(storyboard.outputDir, file);
  return {
    take,
    state: "succeeded",
    fingerprint: shot.fingerprint,
    request: shot.request,
    task_id: `task-${shot.id}-${take}`,
    submitted_at: "2025-01-01T10:00:00.000Z",
    finished_at: "2025-01-01T10:01:00.000Z",
    result_url: `https://example.invalid/${file}`,
    clip: `out/teaser/${file}`,
    bytes: (await readFile(abs)).length,
    sha256: await sha256File(abs),
  };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function isPng(path: string): Promise<boolean> {
  return (await readFile(path)).subarray(0, 8).equals(PNG_SIGNATURE);
}

beforeAll(async () => {
  dir = await tempDir("gallop-report-");
  const file = join(dir, "teaser.yaml");
  await writeFile(file, STORYBOARD);
  storyboard = await loadStoryboard(file);
  await mkdir(storyboard.outputDir, { recursive: true });
  const opening = shotOf("opening");
  const closing = shotOf("closing");
  const hero = shotOf("hero");
  const out = (name: string) => join(storyboard.outputDir, name);
  await Promise.all([
    renderClip(opening.request, out("opening.mp4"), { label: "take 1" }),
    // A different prompt gives take 2 a different background colour (the strip test uses it).
    renderClip({ ...opening.request, prompt: "take two" }, out("opening.take2.mp4")),
    renderClip(closing.request, out("closing.mp4")),
    renderClip(
      { ...closing.request, duration: 6, prompt: "the stitched film" },
      storyboard.stitch.output,
    ),
  ]);
  const lock: LockFile = {
    version: 1,
    storyboard: "teaser.yaml",
    uploads: {},
    shots: [
      {
        id: "opening",
        fingerprint: opening.fingerprint,
        takes: [
          await succeeded(opening, 1, "opening.mp4"),
          await succeeded(opening, 2, "opening.take2.mp4"),
        ],
      },
      {
        id: "hero",
        fingerprint: hero.fingerprint,
        takes: [
          {
            take: 1,
            state: "failed",
            fingerprint: hero.fingerprint,
            request: hero.request,
            task_id: "task-hero-1",
            submitted_at: "2025-01-01T10:00:00.000Z",
            finished_at: "2025-01-01T10:00:30.000Z",
            error: API_ERROR,
          },
        ],
      },
      {
        id: "closing",
        fingerprint: closing.fingerprint,
        takes: [await succeeded(closing, 1, "closing.mp4")],
      },
      {
        id: "cut-scene",
        fingerprint: "c".repeat(64),
        takes: [
          {
            take: 1,
            state: "expired",
            fingerprint: "c".repeat(64),
            request: closing.request,
            task_id: "task-cut-1",
            submitted_at: "2025-01-01T09:00:00.000Z",
            error: "the API no longer knows this task",
          },
        ],
      },
    ],
  };
  const lockPath = lockPathFor(file);
  lockBytes = serializeLock(lock);
  await writeFile(lockPath, lockBytes);
  // The pick of take 2 is only in the journal of an unfinished run: the report must replay it.
  await mkdir(join(dir, ".gallop"));
  journalBytes = `${JSON.stringify({ t: "shot", shot: "opening", fingerprint: opening.fingerprint, picked_take: 2 })}\n`;
  await writeFile(join(dir, ".gallop", "teaser.journal"), journalBytes);
  const { state } = await loadLock(lockPath, file);
  result = await writeReport(storyboard, state);
});

afterAll(async () => {
  if (dir) await removeDir(dir);
});

describe("writeReport on real clips", () => {
  it("writes the page, a PNG poster per clip and the strip, and leaves the lock and journal alone", async () => {
    expect(result.htmlPath).toBe(join(storyboard.outputDir, "index.html"));
    expect(result.stripPath).toBe(join(storyboard.outputDir, "teaser.strip.png"));
    const posters = (await readdir(join(storyboard.outputDir, "posters"))).sort();
    expect(posters).toEqual([
      "closing.take1.png",
      "film.png",
      "opening.take1.png",
      "opening.take2.png",
    ]);
    expect(result.posters).toBe(4);
    expect(result.extracted).toBe(4);
    expect(result.warnings).toEqual([]);
    for (const poster of posters) {
      const path = join(storyboard.outputDir, "posters", poster);
      expect(await isPng(path)).toBe(true);
      expect(await frameSize(path)).toMatchObject({ width: 640, height: 360, codec: "png" });
    }
    // Read-only: the lock and the journal are byte for byte as they were; no temp files left.
    expect(await readFile(join(dir, "teaser.lock"), "utf8")).toBe(lockBytes);
    expect(await readFile(join(dir, ".gallop", "teaser.journal"), "utf8")).toBe(journalBytes);
    const leftovers = (await readdir(storyboard.outputDir)).filter((f) => f.startsWith("."));
    expect(leftovers).toEqual([]);
    expect(result.model.shots.map((s) => [s.id, s.status, s.pickedTake])).toEqual([
      ["opening", "ready", 2],
      ["hero", "failed", 1],
      ["closing", "ready", 1],
      ["pending", "not-run", 1],
    ]);
  });

  it("lays out one tile per shot of the film, in order, with the picked take and grey placeholders", async () => {
    const strip = await frameSize(result.stripPath);
    expect(strip).toEqual({ width: 4 * STRIP_TILE.width, height: STRIP_TILE.height, codec: "png" });
    const tile = (i: number) =>
      `${STRIP_TILE.width - 40}:${STRIP_TILE.height - 40}:${i * STRIP_TILE.width + 20}:20`;
    const colours = await Promise.all(
      [0, 1, 2, 3].map((i) => frameColour(result.stripPath, 0, tile(i))),
    );
    const [opening, hero, closing, pending] = colours as [
      { y: number; u: number; v: number },
      { y: number; u: number; v: number },
      { y: number; u: number; v: number },
      { y: number; u: number; v: number },
    ];
    // Placeholders are flat grey: neutral chroma, identical to each other.
    for (const grey of [hero, pending]) {
      expect(Math.abs(grey.u - 128)).toBeLessThan(2);
      expect(Math.abs(grey.v - 128)).toBeLessThan(2);
    }
    expect(Math.abs(hero.y - pending.y)).toBeLessThan(1);
    // The first tile is the picked take 2, not take 1 (their backgrounds differ).
    const poster = (name: string) =>
      frameColour(join(storyboard.outputDir, "posters", name), 0, "iw-80:ih-80:40:40");
    const [take1, take2] = await Promise.all([
      poster("opening.take1.png"),
      poster("opening.take2.png"),
    ]);
    const distance = (a: typeof take1, b: typeof take1) =>
      Math.abs(a.y - b.y) + Math.abs(a.u - b.u) + Math.abs(a.v - b.v);
    expect(distance(opening, take2)).toBeLessThan(distance(opening, take1));
    expect(distance(closing, hero)).toBeGreaterThan(5);
  });

  it("wraps long films into rows of STRIP_ROW_LENGTH tiles, and draws a film of one shot", async () => {
    const poster = join(storyboard.outputDir, "posters", "closing.take1.png");
    const many = Array.from({ length: STRIP_ROW_LENGTH + 1 }, (_, i) =>
      i % 2 ? poster : undefined,
    );
    const wrapped = join(dir, "wrapped.png");
    expect(await writeStrip(many, wrapped)).toEqual({
      width: STRIP_ROW_LENGTH * STRIP_TILE.width,
      height: 2 * STRIP_TILE.height,
    });
    expect(await frameSize(wrapped)).toEqual({
      width: STRIP_ROW_LENGTH * STRIP_TILE.width,
      height: 2 * STRIP_TILE.height,
      codec: "png",
    });
    const single = join(dir, "single.png");
    await writeStrip([poster], single);
    expect(await frameSize(single)).toEqual({ ...STRIP_TILE, codec: "png" });
  });

  it("reuses posters newer than their clips and extracts again when a clip changes", async () => {
    const again = await writeReport(
      storyboard,
      (await loadLock(join(dir, "teaser.lock"), storyboard.file)).state,
    );
    expect(again.extracted).toBe(0);
    expect(again.posters).toBe(4);
    const later = new Date(Date.now() + 60_000);
    await utimes(join(storyboard.outputDir, "closing.mp4"), later, later);
    const third = await writeReport(
      storyboard,
      (await loadLock(join(dir, "teaser.lock"), storyboard.file)).state,
    );
    expect(third.extracted).toBe(1);
    // The film is now older than a clip of it: the page says to stitch again.
    expect(third.model.film.stale).toBe(true);
    expect(await readFile(third.htmlPath, "utf8")).toContain("Some clips are newer than this film");
  });
});

/**
 * Injected into a test-only copy of the page (the real page has no script): records, once
 * everything loaded, each image's natural width, each video's metadata and poster, and the
 * computed colour of error text, as data attributes the dumped DOM carries.
 */
const PROBE = `<script>
window.addEventListener("load", async () => {
  const metadata = (v) => new Promise((done) => {
    v.addEventListener("loadedmetadata", done, { once: true });
    v.addEventListener("error", done, { once: true });
    v.preload = "metadata";
    v.load();
  });
  const poster = (v) => { const i = new Image(); i.src = v.poster; return i.decode().then(() => i.naturalWidth, () => 0); };
  for (const i of document.images) i.dataset.naturalWidth = String(i.naturalWidth);
  for (const e of document.querySelectorAll(".error")) e.dataset.color = getComputedStyle(e).color;
  await Promise.all([...document.querySelectorAll("video")].map(async (v) => {
    const [width] = await Promise.all([v.poster ? poster(v) : 0, metadata(v)]);
    v.dataset.posterWidth = String(width);
    v.dataset.duration = String(v.duration);
  }));
  document.body.dataset.probed = "done";
});
</script>`;

function chromiumArgs(profile: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
  ];
}

/**
 * Dumps the probe page's DOM once the probe has run. Video metadata loads outside Chromium's
 * virtual time, so on a busy machine the dump can come first: then it is taken again.
 */
async function dumpProbedDom(page: string): Promise<string> {
  let dom = "";
  for (let attempt = 1; attempt <= 5; attempt++) {
    const dumped = await execa(
      CHROMIUM,
      [
        ...chromiumArgs(join(dir, `profile-dom-${attempt}`)),
        "--virtual-time-budget=10000",
        "--dump-dom",
        pathToFileURL(page).href,
      ],
      { timeout: 30_000 },
    );
    dom = dumped.stdout;
    if (dom.includes('data-probed="done"')) break;
  }
  return dom;
}

function figureOf(dom: string, id: string): string {
  const match = new RegExp(`<figure class="shot"[^>]*data-shot="${id}"[\\s\\S]*?</figure>`).exec(
    dom,
  );
  if (!match) throw new Error(`the rendered page has no figure for shot ${id}`);
  return match[0];
}

describe("the contact sheet in headless Chromium", () => {
  it.skipIf(!hasChromium)(
    `renders every shot with its poster, clip, picked take and red errors (skipped where ${CHROMIUM} is missing: apt-get install chromium)`,
    async () => {
      const outputDir = storyboard.outputDir;
      const page = await readFile(result.htmlPath, "utf8");
      const probePage = join(outputDir, "probe.test.html");
      // Lazy images below the fold would not load in a dump: the copy loads everything.
      await writeFile(
        probePage,
        page.replaceAll(' loading="lazy"', "").replace("</body>", `${PROBE}</body>`),
      );
      const screenshot = join(dir, "screenshot.png");
      const [dom, shot] = await Promise.all([
        dumpProbedDom(probePage),
        execa(
          CHROMIUM,
          [
            ...chromiumArgs(join(dir, "profile-shot")),
            `--screenshot=${screenshot}`,
            "--window-size=1280,2000",
            "--hide-scrollbars",
            pathToFileURL(result.htmlPath).href,
          ],
          { timeout: 30_000 },
        ),
      ]);
      await rm(probePage);
      expect(shot.exitCode).toBe(0);
      expect(dom).toContain('data-probed="done"');

      // The film at the top, its metadata read by the browser (6 s), its poster loaded.
      const film =
        /<section class="film" data-film="present">[\s\S]*?<\/section>/.exec(dom)?.[0] ?? "";
      expect(film).toMatch(
        /<video[^>]*src="teaser\.mp4"[^>]*data-poster-width="640"[^>]*data-duration="6"/,
      );
      expect(film).toMatch(
        /<img class="strip" src="teaser\.strip\.png"[^>]*data-natural-width="1280"/,
      );
      expect(dom.indexOf("data-film=")).toBeLessThan(dom.indexOf("<figure"));

      // Every shot, in storyboard order.
      const order = [...dom.matchAll(/<figure class="shot"[^>]*data-shot="([^"]+)"/g)].map(
        (m) => m[1],
      );
      expect(order).toEqual(["opening", "hero", "closing", "pending"]);

      const opening = figureOf(dom, "opening");
      expect(opening).toContain('data-state="ready"');
      expect(opening).toMatch(
        /<video controls="" preload="metadata" src="opening\.take2\.mp4" poster="posters\/opening\.take2\.png" data-poster-width="640" data-duration="3"/,
      );
      // The prompt arrived as text: no script element came from it.
      expect(opening).toContain(
        "A glass city at sunrise &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'quotes'",
      );
      expect(dom.match(/<script/g)).toHaveLength(1);
      const picked = /<tr class="take picked" data-take="(\d)"[\s\S]*?<\/tr>/.exec(opening);
      expect(picked?.[1]).toBe("2");
      expect(picked?.[0]).toContain("★ picked");
      expect(picked?.[0]).toContain("task-opening-2");
      expect(opening).toContain("task-opening-1");
      expect(opening).toMatch(
        /<img src="posters\/opening\.take1\.png" alt="" data-natural-width="640">/,
      );
      expect(opening).toMatch(
        /<img src="posters\/opening\.take2\.png" alt="" data-natural-width="640">/,
      );

      const hero = figureOf(dom, "hero");
      expect(hero).toContain('data-state="failed"');
      expect(hero).not.toContain("<video");
      expect(hero).toContain(
        '<p class="error" data-error="true" data-color="rgb(255, 77, 79)">Content policy violation: the prompt &lt;mentions&gt; a trademark</p>',
      );
      expect(hero).toContain("task-hero-1");

      const closing = figureOf(dom, "closing");
      expect(closing).toMatch(
        /<video[^>]*src="closing\.mp4"[^>]*data-poster-width="640"[^>]*data-duration="3"/,
      );

      const pending = figureOf(dom, "pending");
      expect(pending).toContain('data-state="not-run"');
      expect(pending).toContain("Not generated yet. Run <code>gallop run teaser.yaml</code>");

      // The orphaned lock shot comes last, with its task id and its error in red.
      const orphan = dom.indexOf('data-orphan="cut-scene"');
      expect(orphan).toBeGreaterThan(dom.lastIndexOf("</figure>"));
      expect(dom.slice(orphan)).toMatch(
        /task-cut-1[\s\S]*data-color="rgb\(255, 77, 79\)">the API no longer knows this task/,
      );

      // The screenshot is the full window and not a blank page.
      expect(await frameSize(screenshot)).toEqual({ width: 1280, height: 2000, codec: "png" });
      expect((await readFile(screenshot)).length).toBeGreaterThan(50_000);
      const top = await frameColour(screenshot, 0, "1280:60:0:0");
      const body = await frameColour(screenshot, 0, "1200:800:40:100");
      expect(Math.abs(top.y - body.y)).toBeGreaterThan(2);
    },
  );
});
