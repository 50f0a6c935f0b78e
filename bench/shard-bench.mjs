#!/usr/bin/env node
// Sharding and lock merging at dataset scale (issue 6). Prints:
//   slice        time to assign 100,000 shot ids to n = 8 shards, and the spread (min/max per shard)
//   merge        time to fold 8 shard locks of a 5,000-shot storyboard (2 takes each) into an
//                empty main lock, plus the serialized size; then a re-merge (nothing changes)
//   conflicts    the same with every shot present in two shard locks under different task ids
//   lock merge   `gallop lock merge` on disk: 8 shard lockfiles of a 5,000-shot storyboard folded
//                into the main lockfile through the lock session (journal, fsync, atomic write)
// Needs `npm run build` first. Usage: node bench/shard-bench.mjs
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  loadStoryboard,
  mergeLocks,
  mergeShardLocks,
  serializeLock,
  shardLockPath,
  shardOf,
} from "../dist/index.js";

const FP = "a".repeat(64);
const SHA = "c".repeat(64);
const request = {
  model: "happyhorse-1-1/text-to-video",
  prompt: "p",
  duration: 5,
  resolution: "720p",
};
const ms = (t) => `${(performance.now() - t).toFixed(1)} ms`;

{
  const ids = Array.from({ length: 100_000 }, (_, i) => `row-${i}`);
  const t = performance.now();
  const counts = new Array(8).fill(0);
  for (const id of ids) counts[shardOf(id, 8) - 1] += 1;
  console.log(
    `slice      100000 ids → 8 shards: ${ms(t)}; per shard min ${Math.min(...counts)} max ${Math.max(...counts)}`,
  );
}

function take(n, task) {
  return {
    take: n,
    state: "succeeded",
    fingerprint: FP,
    request,
    task_id: task,
    submitted_at: "2026-01-01T00:00:00.000Z",
    finished_at: "2026-01-01T00:01:00.000Z",
    clip: `../out/x/${task}.mp4`,
    bytes: 1000,
    sha256: SHA,
  };
}

function shardLocks(shots, n, prefix) {
  const locks = Array.from({ length: n }, () => ({
    version: 1,
    storyboard: "x.yaml",
    uploads: {},
    shots: [],
  }));
  for (let i = 0; i < shots; i++) {
    const id = `row-${i}`;
    locks[shardOf(id, n) - 1].shots.push({
      id,
      fingerprint: FP,
      takes: [take(1, `${prefix}${i}a`), take(2, `${prefix}${i}b`)],
    });
  }
  return locks.map((lock, i) => ({
    label: `shard-${i + 1}-of-${n}.lock`,
    lock,
    dir: "/w/x.lock.d",
  }));
}

{
  const sources = shardLocks(5_000, 8, "t");
  const base = {
    label: "x.lock",
    lock: { version: 1, storyboard: "x.yaml", uploads: {}, shots: [] },
    dir: "/w",
  };
  let t = performance.now();
  const result = mergeLocks(base, sources, { targetDir: "/w" });
  const mergeTime = ms(t);
  t = performance.now();
  const bytes = serializeLock(result.lock).length;
  console.log(
    `merge      5000 shots × 2 takes from 8 shard locks: ${mergeTime}; serialize ${ms(t)}, ${(bytes / 1e6).toFixed(2)} MB`,
  );
  t = performance.now();
  const again = mergeLocks({ ...base, lock: result.lock }, sources, { targetDir: "/w" });
  console.log(
    `re-merge   same inputs onto the merged lock: ${ms(t)}; conflicts ${again.conflicts.length}`,
  );
  const other = shardLocks(5_000, 3, "u");
  t = performance.now();
  const clash = mergeLocks(
    base,
    [...sources, ...other.map((s) => ({ ...s, label: `old-${s.label}` }))],
    { targetDir: "/w" },
  );
  console.log(
    `conflicts  every take in two layouts (n=8 and n=3): ${ms(t)}; conflicts ${clash.conflicts.length}, task ids kept ${JSON.stringify(clash.lock).match(/"task_id"/g).length}`,
  );
}

{
  const dir = await mkdtemp(join(tmpdir(), "gallop-shard-bench-"));
  try {
    const file = join(dir, "x.yaml");
    const shots = Array.from(
      { length: 5_000 },
      (_, i) => `  - { id: row-${i}, prompt: "row ${i}" }`,
    );
    await writeFile(
      file,
      `version: 1\ndefaults: { model: text-to-video, duration: 5, resolution: 720p }\nshots:\n${shots.join("\n")}\n`,
    );
    const storyboard = await loadStoryboard(file);
    const fp = new Map(storyboard.shots.map((s) => [s.id, s.fingerprint]));
    await mkdir(join(dir, "x.lock.d"));
    for (const source of shardLocks(5_000, 8, "t")) {
      for (const shot of source.lock.shots) {
        shot.fingerprint = fp.get(shot.id);
        for (const t of shot.takes) t.fingerprint = shot.fingerprint;
      }
      const [, i, n] = /shard-(\d+)-of-(\d+)/.exec(source.label);
      await writeFile(
        shardLockPath(file, { index: Number(i), count: Number(n) }),
        serializeLock(source.lock),
      );
    }
    let t = performance.now();
    const result = await mergeShardLocks(storyboard, { cwd: dir });
    console.log(
      `lock merge on disk, 8 files, 5000 shots × 2 takes: ${ms(t)}; ${result.written} records journaled`,
    );
    t = performance.now();
    const again = await mergeShardLocks(storyboard, { cwd: dir });
    console.log(`lock merge again (nothing new): ${ms(t)}; ${again.written} records`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
