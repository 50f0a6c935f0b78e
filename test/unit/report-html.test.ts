import { describe, expect, it } from "vitest";
import type { LockFile, LockTake } from "../../src/lock/index.js";
import {
  buildReportModel,
  escapeHtml,
  REPORT_CSS,
  type ReportFiles,
  renderReportHtml,
  takeKey,
} from "../../src/report/index.js";
import type { ResolvedShot, Storyboard } from "../../src/types.js";

const fp = (c: string) => c.repeat(64);

function shot(id: string, index: number, extra: Partial<ResolvedShot> = {}): ResolvedShot {
  return {
    id,
    index,
    model: "happyhorse-1-1/text-to-video",
    takes: 1,
    images: [],
    request: {
      model: "happyhorse-1-1/text-to-video",
      prompt: `prompt of ${id}`,
      duration: 3,
      resolution: "720p",
      aspect_ratio: "16:9",
    },
    fingerprint: fp(String(index)),
    ...extra,
  };
}

function storyboard(shots: ResolvedShot[]): Storyboard {
  return {
    file: "/work/films/teaser.yaml",
    dir: "/work/films",
    name: "teaser",
    outputDir: "/work/films/out/teaser",
    polling: { initialDelayMs: 1, intervalMs: 1, maxIntervalMs: 1, timeoutMs: 1 },
    concurrency: 1,
    stitch: {
      output: "/work/films/out/teaser/teaser.mp4",
      shots: shots.map((s) => s.id),
      transition: "none",
      transitionDuration: 0,
      audio: "keep",
      audioVolume: 1,
    },
    shots,
  };
}

function take(s: ResolvedShot, n: number, extra: Partial<LockTake>): LockTake {
  return {
    take: n,
    state: "succeeded",
    fingerprint: s.fingerprint,
    request: s.request,
    task_id: `task-${s.id}-${n}`,
    submitted_at: "2025-01-01T00:00:00Z",
    ...extra,
  };
}

function files(present: [string, number][], film = false): ReportFiles {
  const clips = new Map(present.map(([id, n]) => [takeKey(id, n), `${id}.take${n}.mp4`]));
  const posters = new Map(present.map(([id, n]) => [takeKey(id, n), `posters/${id}.take${n}.png`]));
  return { clips, posters, film: { href: "teaser.mp4", exists: film, stale: false } };
}

const now = new Date("2025-06-01T12:00:00Z");

/** The <figure> of one shot, as text. */
function figure(html: string, id: string): string {
  const match = new RegExp(`<figure class="shot"[^>]*data-shot="${id}"[\\s\\S]*?</figure>`).exec(
    html,
  );
  if (!match) throw new Error(`no figure for ${id}`);
  return match[0];
}

describe("contact sheet HTML", () => {
  it("escapes prompts, ids and API errors so user text never becomes markup", () => {
    const evil = `<script>alert("x")</script> & 'quoted' "double"`;
    const s = shot("opening", 0, { request: { ...shot("x", 0).request, prompt: evil } });
    const lock: LockFile = {
      version: 1,
      storyboard: "teaser.yaml",
      uploads: {},
      shots: [
        {
          id: "opening",
          fingerprint: s.fingerprint,
          takes: [take(s, 1, { state: "failed", error: `bad <img src=x onerror=alert(1)>` })],
        },
      ],
    };
    const html = renderReportHtml(buildReportModel(storyboard([s]), lock, files([]), now));
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; &quot;double&quot;",
    );
    expect(html).toContain("bad &lt;img src=x onerror=alert(1)&gt;");
    expect(escapeHtml(`a"b'c<d>&`)).toBe("a&quot;b&#39;c&lt;d&gt;&amp;");
    // No script and no external resource anywhere: the page is self-contained.
    expect(html).not.toMatch(/<script|<link|https?:\/\//i);
  });

  it("marks the picked take, shows the picked clip with its poster, and every take's task id", () => {
    const s = shot("opening", 0, { takes: 2 });
    const lock: LockFile = {
      version: 1,
      storyboard: "teaser.yaml",
      uploads: {},
      shots: [
        {
          id: "opening",
          fingerprint: s.fingerprint,
          picked_take: 2,
          takes: [take(s, 1, {}), take(s, 2, {})],
        },
      ],
    };
    const html = renderReportHtml(
      buildReportModel(
        storyboard([s]),
        lock,
        files([
          ["opening", 1],
          ["opening", 2],
        ]),
        now,
      ),
    );
    const fig = figure(html, "opening");
    expect(fig).toContain('data-state="ready"');
    expect(fig).toContain('data-picked-take="2"');
    expect(fig).toMatch(
      /<video controls preload="none" src="opening\.take2\.mp4" poster="posters\/opening\.take2\.png">/,
    );
    const picked =
      /<tr class="take picked" data-take="(\d)"[^>]*data-picked="true">[\s\S]*?<\/tr>/.exec(fig);
    expect(picked?.[1]).toBe("2");
    expect(picked?.[0]).toContain("★ picked");
    expect(fig.match(/★ picked/g)).toHaveLength(1);
    expect(fig).toContain("task-opening-1");
    expect(fig).toContain("task-opening-2");
    expect(fig).toContain('<img src="posters/opening.take1.png"');
  });

  it("shows the API's error in red, and points at a take that did succeed", () => {
    const s = shot("hero", 0, { takes: 2 });
    const lock: LockFile = {
      version: 1,
      storyboard: "teaser.yaml",
      uploads: {},
      shots: [
        {
          id: "hero",
          fingerprint: s.fingerprint,
          takes: [
            take(s, 1, { state: "failed", error: "Content policy violation in prompt" }),
            take(s, 2, {}),
          ],
        },
      ],
    };
    const html = renderReportHtml(
      buildReportModel(storyboard([s]), lock, files([["hero", 2]]), now),
    );
    const fig = figure(html, "hero");
    expect(fig).toContain('data-state="failed"');
    expect(fig).toContain(
      '<p class="error" data-error="true">Content policy violation in prompt</p>',
    );
    expect(REPORT_CSS).toMatch(/--error: #ff4d4f/);
    expect(REPORT_CSS).toMatch(/\.error \{ color: var\(--error\); \}/);
    expect(fig).toContain("<code>gallop pick teaser.yaml hero 2</code>");
    expect(fig).not.toContain("<video");
  });

  it("says what each shot without a clip is waiting for", () => {
    const shots = ["fresh", "flying", "unsure", "gone", "lost", "changed"].map((id, i) =>
      shot(id, i),
    );
    const [fresh, flying, unsure, gone, lost, changed] = shots as [
      ResolvedShot,
      ResolvedShot,
      ResolvedShot,
      ResolvedShot,
      ResolvedShot,
      ResolvedShot,
    ];
    const entry = (s: ResolvedShot, t: LockTake) => ({
      id: s.id,
      fingerprint: s.fingerprint,
      takes: [t],
    });
    const lock: LockFile = {
      version: 1,
      storyboard: "teaser.yaml",
      uploads: {},
      shots: [
        entry(flying, take(flying, 1, { state: "submitted" })),
        entry(unsure, take(unsure, 1, { state: "uncertain", error: "connection reset" })),
        entry(gone, take(gone, 1, { state: "expired" })),
        entry(lost, take(lost, 1, {})),
        entry(changed, take(changed, 1, { fingerprint: fp("f") })),
        entry(fresh, take(fresh, 1, { state: "succeeded" })),
      ],
    };
    // fresh's clip is present; lost's clip is not; changed's clip is present but outdated.
    lock.shots = lock.shots.filter((s) => s.id !== "fresh");
    const html = renderReportHtml(
      buildReportModel(storyboard(shots), lock, files([["changed", 1]]), now),
    );
    const state = (id: string) => /data-state="([^"]+)"/.exec(figure(html, id))?.[1];
    expect(state("fresh")).toBe("not-run");
    expect(figure(html, "fresh")).toContain(
      "Not generated yet. Run <code>gallop run teaser.yaml</code>",
    );
    expect(state("flying")).toBe("in-flight");
    expect(figure(html, "flying")).toContain("task-flying-1");
    expect(state("unsure")).toBe("uncertain");
    expect(figure(html, "unsure")).toContain(
      '<p class="error" data-error="true">connection reset</p>',
    );
    expect(state("gone")).toBe("expired");
    expect(state("lost")).toBe("clip-missing");
    expect(figure(html, "lost")).toContain("the file is gone");
    expect(state("changed")).toBe("outdated");
    expect(figure(html, "changed")).toContain("<video");
    expect(html).toContain(
      "6 shots: 1 not run, 1 in flight, 1 uncertain, 1 expired, 1 clip missing, 1 outdated",
    );
  });

  it("puts the film at the top or says how to stitch it, and lists orphaned lock shots last", () => {
    const s = shot("opening", 0);
    const lock: LockFile = {
      version: 1,
      storyboard: "teaser.yaml",
      uploads: {},
      shots: [
        { id: "opening", fingerprint: s.fingerprint, takes: [take(s, 1, {})] },
        { id: "cut-scene", fingerprint: fp("c"), takes: [take(s, 1, { task_id: "task-orphan" })] },
      ],
    };
    const missing = renderReportHtml(
      buildReportModel(storyboard([s]), lock, files([["opening", 1]]), now),
    );
    expect(missing).toContain('data-film="missing"');
    expect(missing).toContain(
      "The film is not stitched yet. Run <code>gallop stitch teaser.yaml</code>",
    );
    expect(missing.indexOf('data-film="missing"')).toBeLessThan(missing.indexOf("<figure"));
    const orphan = missing.indexOf('data-orphan="cut-scene"');
    expect(orphan).toBeGreaterThan(missing.lastIndexOf("</figure>"));
    expect(missing.slice(orphan)).toContain("task-orphan");
    // An orphan is not in the film: no pick is marked on it.
    expect(missing.slice(orphan)).not.toContain("picked");

    const present = renderReportHtml(
      buildReportModel(storyboard([s]), lock, files([["opening", 1]], true), now),
    );
    expect(present).toMatch(
      /<section class="film" data-film="present"><video controls[^>]*src="teaser\.mp4"/,
    );
    expect(present).not.toContain("not stitched yet");
  });
});
