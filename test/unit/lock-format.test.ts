import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { InputError } from "../../src/errors.js";
import {
  type LockFile,
  type LockTake,
  loadLock,
  parseJournal,
  parseLock,
  serializeLock,
  validateLock,
} from "../../src/lock/index.js";
import { useTempDir } from "../helpers/tmp.js";

const fp = (c: string) => c.repeat(64);

function take(n: number, extra: Partial<LockTake> = {}): LockTake {
  return {
    take: n,
    state: "succeeded",
    fingerprint: fp("a"),
    request: {
      model: "happyhorse-1-1/text-to-video",
      prompt: 'A glass city: "sunrise"\nsecond line, yes',
      duration: 5,
      resolution: "1080p",
      aspect_ratio: "16:9",
    },
    task_id: "n92abc123hh10",
    submitted_at: "2025-01-02T03:04:05.000Z",
    finished_at: "2025-01-02T03:05:05.000Z",
    result_url: "http://127.0.0.1:1234/files/x.mp4?sig=1&a=b",
    clip: "out/teaser/opening.mp4",
    bytes: 123456,
    sha256: fp("1"),
    ...extra,
  };
}

function sampleLock(): LockFile {
  return {
    version: 1,
    storyboard: "teaser.yaml",
    uploads: {
      [fp("b")]: { url: "https://cdn.example/x.png", uploaded_at: "2025-01-01T00:00:00.000Z" },
    },
    shots: [
      {
        id: "opening",
        fingerprint: fp("a"),
        picked_take: 2,
        takes: [
          take(1, {
            history: [
              {
                task_id: "old1",
                fingerprint: fp("c"),
                state: "succeeded",
                reason: "prompt changed",
              },
            ],
          }),
          take(2, { clip: "out/teaser/opening.take2.mp4" }),
        ],
      },
      {
        id: "true",
        fingerprint: fp("d"),
        takes: [
          {
            take: 1,
            state: "failed",
            fingerprint: fp("d"),
            request: {
              model: "happyhorse-1-1/image-to-video",
              image_urls: ["local-sha256:" + fp("b"), "https://x.example/a.jpg"],
              duration: 3,
              resolution: "720p",
            },
            error: "duration: must be 3-15",
          },
        ],
      },
    ],
  };
}

describe("lockfile format", () => {
  it("round-trips through YAML and validates against the schema", () => {
    const lock = sampleLock();
    const text = serializeLock(lock);
    expect(parse(text)).toEqual(lock);
    expect(validateLock(parse(text))).toEqual([]);
    expect(parseLock(text, "teaser.lock")).toEqual(lock);
  });

  it("writes the same bytes for the same state, whatever the key order in memory", () => {
    const lock = sampleLock();
    const shuffled = JSON.parse(JSON.stringify(lock), (_k, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse())
        : v,
    ) as LockFile;
    shuffled.shots[0]?.takes.reverse();
    expect(serializeLock(shuffled)).toBe(serializeLock(lock));
  });

  it("quotes strings YAML would read as something else", () => {
    const text = serializeLock(sampleLock());
    expect(text).toContain('- id: "true"');
    expect(text).toContain(`fingerprint: "${fp("a")}"`);
    expect(text).toContain("state: succeeded");
    expect(text).toMatch(/^version: 1$/m);
  });

  it("writes an empty lock with every key present", () => {
    const text = serializeLock({ version: 1, storyboard: "a.yaml", uploads: {}, shots: [] });
    expect(text).toContain("uploads: {}\n");
    expect(text).toContain("shots: []\n");
    expect(parseLock(text, "a.lock").shots).toEqual([]);
  });

  it("names the file, the line and the problem of an invalid lock", () => {
    const text = serializeLock(sampleLock()).replace("state: failed", "state: finished");
    expect(() => parseLock(text, "teaser.lock")).toThrow(InputError);
    try {
      parseLock(text, "teaser.lock");
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("teaser.lock");
      expect(message).toMatch(/line \d+: shots\[1\]\.takes\[0\]\.state must be one of submitting/);
      expect(message).toContain("will not overwrite");
    }
  });

  it("reports YAML syntax errors with their position", () => {
    expect(() => parseLock("version: 1\nshots: [\n", "x.lock")).toThrow(
      /x\.lock[\s\S]*line \d+:\d+/,
    );
  });

  it("rejects a succeeded take without a verified clip", () => {
    const lock = sampleLock();
    delete lock.shots[0]?.takes[0]?.sha256;
    const problems = validateLock(JSON.parse(JSON.stringify(lock)));
    expect(problems.map((p) => p.message)).toContain("missing field `sha256`");
  });

  it("rejects duplicate shots and takes", () => {
    const lock = sampleLock();
    const first = lock.shots[0]!;
    lock.shots.push({ ...first });
    first.takes.push(take(1));
    const messages = validateLock(lock).map((p) => p.message);
    expect(messages).toContain("shot `opening` appears twice");
    expect(messages).toContain("take 1 of shot `opening` appears twice");
  });
});

describe("journal", () => {
  const tmp = useTempDir("gallop-lock-", { perTest: true });

  it("ignores a torn last line but rejects a damaged line in the middle", () => {
    const good = JSON.stringify({ t: "take", shot: "a", rec: take(1) });
    expect(parseJournal(`${good}\n{"t":"ta`, "j")).toHaveLength(1);
    expect(() => parseJournal(`{"t":"ta\n${good}\n`, "j")).toThrow(
      /j:1: the run journal is damaged/,
    );
  });

  it("is replayed over the lockfile on load, later records winning", async () => {
    const lockPath = join(tmp.path, "teaser.lock");
    await writeFile(lockPath, serializeLock(sampleLock()));
    await import("node:fs/promises").then((fs) => fs.mkdir(join(tmp.path, ".gallop")));
    const entries = [
      { t: "take", shot: "opening", rec: take(3, { state: "submitting", task_id: undefined }) },
      { t: "take", shot: "new-shot", rec: take(1, { state: "failed", error: "boom" }) },
      { t: "take", shot: "new-shot", rec: take(1) },
      { t: "shot", shot: "opening", fingerprint: fp("e"), picked_take: null },
    ];
    await writeFile(
      join(tmp.path, ".gallop", "teaser.journal"),
      entries.map((e) => JSON.stringify(e)).join("\n"),
    );
    const before = await readFile(lockPath, "utf8");
    const loaded = await loadLock(lockPath, join(tmp.path, "teaser.yaml"));
    expect(loaded.replayed).toBe(4);
    const lock = loaded.state.lock;
    expect(lock.shots.map((s) => s.id)).toEqual(["opening", "true", "new-shot"]);
    expect(lock.shots[0]?.takes.map((t) => t.take)).toEqual([1, 2, 3]);
    expect(lock.shots[0]?.picked_take).toBeUndefined();
    expect(lock.shots[0]?.fingerprint).toBe(fp("e"));
    expect(loaded.state.take("new-shot", 1)?.state).toBe("succeeded");
    // loading never writes
    expect(await readFile(lockPath, "utf8")).toBe(before);
  });

  it("treats a missing lockfile as empty", async () => {
    const loaded = await loadLock(join(tmp.path, "none.lock"), join(tmp.path, "none.yaml"));
    expect(loaded.existed).toBe(false);
    expect(loaded.state.lock).toEqual({
      version: 1,
      storyboard: "none.yaml",
      uploads: {},
      shots: [],
    });
  });
});
