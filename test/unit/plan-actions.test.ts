import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyLock, LockState, type LockTake } from "../../src/lock/index.js";
import { fingerprintRequest } from "../../src/manifest/fingerprint.js";
import { checkClips, sha256File } from "../../src/run/clips.js";
import { changedFields, clipKey, planRun } from "../../src/run/plan.js";
import {
  DEFAULT_POLLING,
  type GenerateRequest,
  type ResolvedShot,
  type Storyboard,
} from "../../src/types.js";
import { useTempDir } from "../helpers/tmp.js";

function shot(id: string, prompt: string, extra: Partial<ResolvedShot> = {}): ResolvedShot {
  const request: GenerateRequest = {
    model: "happyhorse-1-1/text-to-video",
    prompt,
    duration: 5,
    resolution: "1080p",
    aspect_ratio: "16:9",
  };
  return {
    id,
    index: 0,
    model: request.model,
    takes: 1,
    images: [],
    request,
    fingerprint: fingerprintRequest(request),
    ...extra,
  };
}

function storyboard(shots: ResolvedShot[], dir = "/tmp/sb"): Storyboard {
  return {
    file: join(dir, "teaser.yaml"),
    dir,
    name: "teaser",
    outputDir: join(dir, "out/teaser"),
    polling: DEFAULT_POLLING,
    concurrency: 4,
    stitch: {
      output: join(dir, "out/teaser/teaser.mp4"),
      shots: [],
      transition: "none",
      transitionDuration: 0.5,
      audio: "keep",
      audioVolume: 1,
    },
    shots,
  };
}

function taken(s: ResolvedShot, n: number, extra: Partial<LockTake> = {}): LockTake {
  return {
    take: n,
    state: "succeeded",
    fingerprint: s.fingerprint,
    request: s.request,
    task_id: `task-${s.id}-${n}`,
    submitted_at: "2025-01-01T00:00:00.000Z",
    finished_at: "2025-01-01T00:01:00.000Z",
    clip: `out/teaser/${s.id}.mp4`,
    bytes: 10,
    sha256: "0".repeat(64),
    ...extra,
  };
}

function lockWith(entries: [ResolvedShot | string, LockTake][]): LockState {
  const state = new LockState(emptyLock("teaser.yaml"));
  for (const [s, rec] of entries)
    state.apply({ t: "take", shot: typeof s === "string" ? s : s.id, rec });
  return state;
}

describe("planRun", () => {
  it("gives every kind of action with its reason, and counts what would be paid", () => {
    const shots = {
      fresh: shot("fresh", "new"),
      done: shot("done", "done"),
      gone: shot("gone", "clip deleted"),
      flying: shot("flying", "in flight"),
      half: shot("half", "downloading"),
      broken: shot("broken", "failed"),
      late: shot("late", "expired"),
      unsure: shot("unsure", "uncertain"),
      edited: shot("edited", "new prompt", { takes: 1 }),
    };
    const old = shot("edited", "old prompt");
    const state = lockWith([
      [shots.done, taken(shots.done, 1)],
      [shots.done, taken(shots.done, 2)],
      [shots.gone, taken(shots.gone, 1)],
      [shots.flying, taken(shots.flying, 1, { state: "submitted" })],
      [shots.half, taken(shots.half, 1, { state: "downloading" })],
      [shots.broken, taken(shots.broken, 1, { state: "failed", error: "prompt rejected" })],
      [shots.late, taken(shots.late, 1, { state: "expired" })],
      [shots.unsure, taken(shots.unsure, 1, { state: "uncertain" })],
      [shots.edited, taken(old, 1)],
      ["removed", taken(shot("removed", "x"), 1)],
    ]);
    const clips = new Map([
      [clipKey("gone", 1), { status: "missing" as const, path: "out/teaser/gone.mp4" }],
    ]);
    const plan = planRun(storyboard(Object.values(shots)), state, { clips });
    const byShot = Object.fromEntries(plan.actions.map((a) => [`${a.shot}#${a.take}`, a]));
    expect(byShot["fresh#1"]).toMatchObject({ kind: "submit", step: "submit", paid: true });
    expect(byShot["done#1"]).toMatchObject({ kind: "skip", step: "none", paid: false });
    expect(byShot["done#2"]).toMatchObject({ kind: "unused", paid: false });
    expect(byShot["gone#1"]).toMatchObject({
      kind: "download",
      step: "download",
      paid: false,
      taskId: "task-gone-1",
    });
    expect(byShot["gone#1"]?.reason).toContain("clip is missing (out/teaser/gone.mp4)");
    expect(byShot["flying#1"]).toMatchObject({ kind: "poll", step: "poll", paid: false });
    expect(byShot["half#1"]).toMatchObject({ kind: "download", paid: false });
    expect(byShot["broken#1"]).toMatchObject({ kind: "retry", paid: true });
    expect(byShot["broken#1"]?.reason).toContain("prompt rejected");
    expect(byShot["late#1"]).toMatchObject({ kind: "retry", paid: true });
    expect(byShot["unsure#1"]).toMatchObject({ kind: "uncertain", step: "none", paid: false });
    expect(byShot["edited#1"]).toMatchObject({
      kind: "regenerate",
      paid: true,
      changed: ["prompt"],
    });
    expect(byShot["edited#1"]?.reason).toBe("changed since it was generated: prompt");
    expect(byShot["removed#1"]).toMatchObject({ kind: "orphaned", paid: false });
    // storyboard order first, orphans last
    expect(plan.actions.at(-1)?.shot).toBe("removed");
    expect(plan.summary.paidGenerations).toBe(4); // fresh, broken, late, edited
    expect(plan.summary.seconds).toBe(20);
    expect(plan.summary.byKind).toMatchObject({
      skip: 1,
      unused: 1,
      download: 2,
      poll: 1,
      orphaned: 1,
    });
  });

  it("resubmits uncertain takes only when asked", () => {
    const s = shot("a", "x");
    const state = lockWith([[s, taken(s, 1, { state: "uncertain" })]]);
    expect(planRun(storyboard([s]), state).summary.paidGenerations).toBe(0);
    const plan = planRun(storyboard([s]), state, { resubmitUncertain: true });
    expect(plan.actions[0]).toMatchObject({ kind: "uncertain", step: "submit", paid: true });
  });

  it("plans only the missing takes when takes are raised", () => {
    const s = shot("a", "x", { takes: 3 });
    const state = lockWith([[s, taken(s, 1)]]);
    const plan = planRun(storyboard([s]), state);
    expect(plan.actions.map((a) => `${a.take}:${a.kind}`)).toEqual([
      "1:skip",
      "2:submit",
      "3:submit",
    ]);
  });

  it("limits the plan to --only shots", () => {
    const a = shot("a", "x");
    const b = shot("b", "y");
    const state = lockWith([["old", taken(shot("old", "z"), 1)]]);
    const plan = planRun(storyboard([a, b]), state, { only: ["b"] });
    expect(plan.actions.map((x) => x.shot)).toEqual(["b"]);
  });

  it("names every changed field in the storyboard's words", () => {
    const before = shot("a", "x").request;
    const after: GenerateRequest = { ...before, prompt: "y", duration: 8, aspect_ratio: "9:16" };
    expect(changedFields(before, after)).toEqual(["prompt", "duration", "ratio"]);
    const i2v: GenerateRequest = {
      model: "happyhorse-1-1/image-to-video",
      image_urls: ["local-sha256:1"],
      duration: 5,
      resolution: "1080p",
    };
    expect(changedFields(i2v, { ...i2v, image_urls: ["local-sha256:2"] })).toEqual(["images"]);
  });
});

describe("checkClips", () => {
  const tmp = useTempDir("gallop-clips-", { perTest: true });

  it("finds missing and damaged clips, and hashes only changed files", async () => {
    const a = shot("a", "x");
    const b = shot("b", "y");
    const c = shot("c", "z");
    const sb = storyboard([a, b, c], tmp.path);
    await mkdir(sb.outputDir, { recursive: true });
    const fileA = join(sb.outputDir, "a.mp4");
    const fileB = join(sb.outputDir, "b.mp4");
    await writeFile(fileA, "0123456789");
    await writeFile(fileB, "abcdefghij");
    const fixed = new Date("2025-01-01T00:00:00Z");
    await utimes(fileA, fixed, fixed);
    const shaA = await sha256File(fileA);
    const state = lockWith([
      [a, taken(a, 1, { sha256: shaA })],
      [b, taken(b, 1, { sha256: shaA })], // same size, different content
      [c, taken(c, 1)],
    ]);
    const cache = new Map();
    const checks = await checkClips(sb, state, { lockDir: tmp.path, cache });
    expect(checks.get("a#1")).toEqual({ status: "ok" });
    expect(checks.get("b#1")).toMatchObject({ status: "damaged", detail: "sha256 differs" });
    expect(checks.get("c#1")).toEqual({ status: "missing", path: "out/teaser/c.mp4" });
    expect(cache.get("out/teaser/a.mp4")?.sha256).toBe(shaA);

    // Same size and mtime: trusted from the cache without hashing; --verify hashes anyway.
    await writeFile(fileA, "9876543210");
    await utimes(fileA, fixed, fixed);
    expect((await checkClips(sb, state, { lockDir: tmp.path, cache })).get("a#1")).toEqual({
      status: "ok",
    });
    expect(
      (await checkClips(sb, state, { lockDir: tmp.path, cache, verify: true })).get("a#1"),
    ).toMatchObject({
      status: "damaged",
    });
    await writeFile(fileA, "short");
    expect((await checkClips(sb, state, { lockDir: tmp.path, cache })).get("a#1")).toMatchObject({
      detail: "5 bytes, expected 10",
    });
  });
});
