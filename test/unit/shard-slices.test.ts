import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import {
  findShardLocks,
  parseShard,
  shardLockPath,
  shardOf,
  shotsInShard,
} from "../../src/shard/index.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

/** A few hundred ids shaped like real storyboards': words, numbered dataset rows, dashes. */
const ids = [
  ...Array.from({ length: 240 }, (_, i) => `clip-${String(i).padStart(4, "0")}`),
  ...["opening", "hero", "hero-spin", "logo-end", "city-night", "sole_detail", "packshot"],
  ...Array.from({ length: 60 }, (_, i) => `scene${i}_b`),
];

describe("shard slices", () => {
  it("are disjoint and cover every shot for n = 1..8", () => {
    for (let n = 1; n <= 8; n++) {
      const slices = Array.from({ length: n }, (_, i) =>
        shotsInShard(ids, { index: i + 1, count: n }),
      );
      const all = slices.flat();
      expect(all).toHaveLength(ids.length);
      expect(new Set(all).size).toBe(ids.length);
      expect(new Set(all)).toEqual(new Set(ids));
      // Each slice keeps storyboard order, and none is empty with 300 ids.
      for (const slice of slices) {
        expect(slice.length).toBeGreaterThan(0);
        expect(slice).toEqual(ids.filter((id) => slice.includes(id)));
      }
      // A roughly even spread: no slice over twice its fair share.
      for (const slice of slices) expect(slice.length).toBeLessThan((2 * ids.length) / n + 5);
    }
  });

  it("keep every shot in its shard when shots are added, removed or reordered", () => {
    const before = new Map(ids.map((id) => [id, shardOf(id, 5)]));
    const changed = [...ids.slice(40).reverse(), "new-a", "new-b", ...ids.slice(0, 10)];
    for (const id of changed) {
      if (before.has(id)) expect(shardOf(id, 5)).toBe(before.get(id));
    }
    const slice2 = shotsInShard(changed, { index: 2, count: 5 });
    for (const id of slice2) if (before.has(id)) expect(before.get(id)).toBe(2);
  });

  it("are sha256(id) mod n, so every machine computes the same ones", () => {
    for (const id of ["hero", "clip-0042", "scene7_b"]) {
      const first48 = Number.parseInt(
        createHash("sha256").update(id).digest("hex").slice(0, 12),
        16,
      );
      for (let n = 1; n <= 8; n++) expect(shardOf(id, n)).toBe((first48 % n) + 1);
    }
  });

  it("parses i/n and rejects everything else with an example", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(parseShard(" 1 / 1 ")).toEqual({ index: 1, count: 1 });
    for (const bad of ["0/4", "5/4", "2", "2/0", "a/b", "-1/3", "1/1001", "2/4/8", ""]) {
      expect(() => parseShard(bad)).toThrow(UsageError);
    }
    expect(() => parseShard("5/4")).toThrow(/--shard 5\/4: expected i\/n .* e\.g\. --shard 2\/4/);
  });

  it("name their lockfiles beside the storyboard and are found in artifact folders", async () => {
    expect(shardLockPath("/w/teaser.yaml", { index: 2, count: 4 })).toBe(
      "/w/teaser.lock.d/shard-2-of-4.lock",
    );
    const dir = await tempDir("gallop-shard-find-");
    try {
      await mkdir(join(dir, "lock-shard-2", "teaser.lock.d"), { recursive: true });
      await mkdir(join(dir, "lock-shard-10"), { recursive: true });
      await writeFile(join(dir, "shard-1-of-4.lock"), "");
      await writeFile(join(dir, "lock-shard-2", "teaser.lock.d", "shard-2-of-4.lock"), "");
      await writeFile(join(dir, "lock-shard-10", "shard-10-of-12.lock"), "");
      await writeFile(join(dir, "shard-x-of-4.lock"), "");
      await writeFile(join(dir, "teaser.lock"), "");
      const found = await findShardLocks(dir);
      expect(found.map((p) => p.slice(dir.length + 1))).toEqual([
        "shard-1-of-4.lock",
        "lock-shard-2/teaser.lock.d/shard-2-of-4.lock",
        "lock-shard-10/shard-10-of-12.lock",
      ]);
    } finally {
      await removeDir(dir);
    }
  });
});
