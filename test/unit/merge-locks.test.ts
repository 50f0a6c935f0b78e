import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type LockFile,
  type LockTake,
  loadLock,
  openLock,
  parseLock,
  serializeLock,
  validateLock,
} from "../../src/lock/index.js";
import { mergeLocks, recordMerged } from "../../src/lock/merge.js";
import { useTempDir } from "../helpers/tmp.js";

const FP = "a".repeat(64);
const OLD = "b".repeat(64);
const SHA = "c".repeat(64);
const request = {
  model: "happyhorse-1-1/text-to-video" as const,
  prompt: "p",
  duration: 5,
  resolution: "720p" as const,
};

function take(n: number, state: LockTake["state"], task?: string, extra: Partial<LockTake> = {}) {
  const rec: LockTake = { take: n, state, fingerprint: FP, request, ...extra };
  if (task) {
    rec.task_id = task;
    rec.submitted_at = extra.submitted_at ?? "2026-01-01T00:00:00.000Z";
  }
  if (state === "succeeded") {
    rec.clip = extra.clip ?? `out/x/${task}.mp4`;
    rec.bytes = 10;
    rec.sha256 = SHA;
    rec.finished_at = extra.finished_at ?? "2026-01-01T00:01:00.000Z";
  }
  return rec;
}

const lock = (shots: LockFile["shots"], uploads: LockFile["uploads"] = {}): LockFile => ({
  version: 1,
  storyboard: "teaser.yaml",
  uploads,
  shots,
});

describe("mergeLocks", () => {
  it("takes each shot from the shard that has it and rebases clip paths", () => {
    const base = { label: "teaser.lock", lock: lock([]), dir: "/w" };
    const s1 = {
      label: "shard-1-of-2.lock",
      dir: "/w/teaser.lock.d",
      lock: lock([
        {
          id: "a",
          fingerprint: FP,
          takes: [take(1, "succeeded", "t-a", { clip: "../out/x/a.mp4" })],
        },
      ]),
    };
    const s2 = {
      label: "shard-2-of-2.lock",
      dir: "/w/teaser.lock.d",
      lock: lock([{ id: "b", fingerprint: FP, takes: [take(1, "submitted", "t-b")] }]),
    };
    const result = mergeLocks(base, [s2, s1], { targetDir: "/w" });
    expect(result.conflicts).toEqual([]);
    expect(result.lock.shots.map((s) => s.id)).toEqual(["a", "b"]);
    expect(result.lock.shots[0]?.takes[0]?.clip).toBe("out/x/a.mp4");
    expect(result.lock.shots[1]?.takes[0]?.task_id).toBe("t-b");
    expect(result.taken).toEqual({
      "teaser.lock": 0,
      "shard-1-of-2.lock": 1,
      "shard-2-of-2.lock": 1,
    });
    expect(validateLock(result.lock)).toEqual([]);
  });

  it("on a conflict keeps the more advanced take and moves the other task id to its history", () => {
    const base = { label: "teaser.lock", lock: lock([]), dir: "/w" };
    const s1 = {
      label: "shard-1-of-2.lock",
      dir: "/w",
      lock: lock([{ id: "a", fingerprint: FP, takes: [take(1, "submitted", "t-old")] }]),
    };
    const s2 = {
      label: "shard-2-of-3.lock",
      dir: "/w",
      lock: lock([{ id: "a", fingerprint: FP, takes: [take(1, "succeeded", "t-new")] }]),
    };
    for (const sources of [
      [s1, s2],
      [s2, s1],
    ]) {
      const result = mergeLocks(base, sources, { targetDir: "/w" });
      const merged = result.lock.shots[0]?.takes[0];
      expect(merged?.task_id).toBe("t-new");
      expect(merged?.state).toBe("succeeded");
      expect(merged?.history).toEqual([
        expect.objectContaining({ task_id: "t-old", state: "submitted" }),
      ]);
      expect(merged?.history?.[0]?.reason).toMatch(/merged from shard-1-of-2\.lock/);
      expect(result.conflicts).toEqual([
        {
          shot: "a",
          take: 1,
          kept: { label: "shard-2-of-3.lock", task_id: "t-new", state: "succeeded" },
          superseded: [{ label: "shard-1-of-2.lock", task_id: "t-old", state: "submitted" }],
        },
      ]);
      expect(validateLock(result.lock)).toEqual([]);
    }
  });

  it("never drops a task id: histories are united, the same task is not a conflict", () => {
    const older = {
      task_id: "t-0",
      fingerprint: OLD,
      state: "succeeded" as const,
      reason: "regenerated",
    };
    const base = {
      label: "teaser.lock",
      dir: "/w",
      lock: lock([
        { id: "a", fingerprint: FP, takes: [take(1, "submitted", "t-1", { history: [older] })] },
      ]),
    };
    const shard = {
      label: "shard-1-of-1.lock",
      dir: "/w",
      lock: lock([
        {
          id: "a",
          fingerprint: FP,
          takes: [
            take(1, "succeeded", "t-1", {
              history: [
                {
                  task_id: "t-x",
                  fingerprint: FP,
                  state: "failed",
                  reason: "retried after failed",
                },
              ],
            }),
            take(2, "uncertain", undefined, { error: "reset" }),
          ],
        },
      ]),
    };
    const result = mergeLocks(base, [shard], { targetDir: "/w" });
    const [t1, t2] = result.lock.shots[0]?.takes ?? [];
    expect(result.conflicts).toEqual([]);
    expect(t1?.state).toBe("succeeded");
    expect(t1?.history?.map((h) => h.task_id)).toEqual(["t-x", "t-0"]);
    expect(t2?.state).toBe("uncertain");
    const ids = JSON.stringify(result.lock);
    for (const id of ["t-0", "t-1", "t-x"]) expect(ids).toContain(id);
  });

  it("prefers a take of the current request over a more advanced stale one", () => {
    const stale = take(1, "succeeded", "t-stale", { fingerprint: OLD });
    const base = {
      label: "teaser.lock",
      dir: "/w",
      lock: lock([{ id: "a", fingerprint: OLD, takes: [stale] }]),
    };
    const shard = {
      label: "shard-1-of-2.lock",
      dir: "/w",
      lock: lock([{ id: "a", fingerprint: FP, takes: [take(1, "submitted", "t-cur")] }]),
    };
    const result = mergeLocks(base, [shard], {
      targetDir: "/w",
      currentFingerprints: new Map([["a", FP]]),
    });
    const shot = result.lock.shots[0];
    expect(shot?.fingerprint).toBe(FP);
    expect(shot?.takes[0]?.task_id).toBe("t-cur");
    expect(shot?.takes[0]?.history?.[0]?.task_id).toBe("t-stale");
  });

  it("gives the same bytes whatever order the shard locks arrive in; unites uploads and picks", () => {
    const shards = [1, 2, 3].map((i) => ({
      label: `shard-${i}-of-3.lock`,
      dir: "/w",
      lock: lock(
        [
          { id: `s${i}`, fingerprint: FP, takes: [take(1, "succeeded", `t${i}`)] },
          {
            id: "shared",
            fingerprint: FP,
            takes: [take(1, "failed", `f${i}`, { error: `e${i}` })],
          },
        ],
        {
          [SHA]: { url: `https://u/${i}`, uploaded_at: `2026-01-0${i}T00:00:00.000Z` },
          [String(i).repeat(64)]: {
            url: `https://v/${i}`,
            uploaded_at: "2026-01-01T00:00:00.000Z",
          },
        },
      ),
    }));
    shards[1]!.lock.shots[0]!.picked_take = 1;
    const base = { label: "teaser.lock", dir: "/w", lock: lock([]) };
    const a = mergeLocks(base, shards, { targetDir: "/w" });
    const b = mergeLocks(base, [...shards].reverse(), { targetDir: "/w" });
    expect(serializeLock(a.lock)).toBe(serializeLock(b.lock));
    expect(a.lock.uploads[SHA]?.url).toBe("https://u/3");
    expect(Object.keys(a.lock.uploads)).toHaveLength(4);
    expect(a.lock.shots.find((s) => s.id === "s2")?.picked_take).toBe(1);
    const shared = a.lock.shots.find((s) => s.id === "shared")?.takes[0];
    expect([shared?.task_id, ...(shared?.history ?? []).map((h) => h.task_id)].sort()).toEqual([
      "f1",
      "f2",
      "f3",
    ]);
    expect(parseLock(serializeLock(a.lock), "merged.lock")).toEqual(a.lock);
  });
});

describe("recordMerged", () => {
  const tmp = useTempDir("gallop-merge-", { perTest: true });

  it("writes only the differences through the session, atomically", async () => {
    const lockPath = join(tmp.path, "teaser.lock");
    const storyboardFile = join(tmp.path, "teaser.yaml");
    const opened = await openLock({ lockPath, storyboardFile, shotOrder: ["a", "b"] });
    await opened.session.recordTake("a", take(1, "submitted", "t-a"));
    const merged = mergeLocks(
      { label: "teaser.lock", lock: opened.session.state.lock, dir: tmp.path },
      [
        {
          label: "shard-1-of-1.lock",
          dir: tmp.path,
          lock: lock([
            { id: "b", fingerprint: FP, takes: [take(1, "succeeded", "t-b")] },
            { id: "a", fingerprint: FP, takes: [take(1, "submitted", "t-a")] },
          ]),
        },
      ],
      { targetDir: tmp.path },
    );
    expect(await recordMerged(opened.session, merged.lock)).toBe(2); // shot b + its take
    expect(await recordMerged(opened.session, merged.lock)).toBe(0);
    await opened.session.close();
    const { state } = await loadLock(lockPath, storyboardFile);
    expect(state.lock.shots.map((s) => s.id)).toEqual(["a", "b"]);
    expect(state.take("b", 1)?.task_id).toBe("t-b");
    expect(await readFile(lockPath, "utf8")).toContain("task_id: t-b");
  });
});
