/**
 * Deterministic slices of a storyboard for running on several machines (issue 6).
 * A shot's shard depends only on its own id — sha256(id) mod n — so adding or removing
 * shots never moves the others, and every machine computes the same slices without talking.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import { storyboardStem } from "../paths.js";
import * as say from "./messages.js";

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

export const MAX_SHARDS = 1000;

/** "2/4" → { index: 2, count: 4 }; UsageError otherwise. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count || count > MAX_SHARDS) {
    throw new UsageError(say.badShard(text));
  }
  return { index, count };
}

/** The 1-based shard of a shot id among `count` shards. */
export function shardOf(shotId: string, count: number): number {
  const digest = createHash("sha256").update(shotId, "utf8").digest();
  // 48 bits are plenty for an even spread over at most 1000 shards, and exact in a double.
  return (digest.readUIntBE(0, 6) % count) + 1;
}

/** The ids of a shard's shots, in storyboard order. */
export function shotsInShard(shotIds: readonly string[], shard: Shard): string[] {
  return shotIds.filter((id) => shardOf(id, shard.count) === shard.index);
}

/** `dir/teaser.lock.d/` — where shard lockfiles live. */
export function shardLockDir(storyboardFile: string): string {
  return join(dirname(storyboardFile), `${storyboardStem(storyboardFile)}.lock.d`);
}

export const shardLockName = (shard: Shard) => `shard-${shard.index}-of-${shard.count}.lock`;

/** `dir/teaser.lock.d/shard-2-of-4.lock`; its journal and run lock go to `teaser.lock.d/.gallop/`. */
export function shardLockPath(storyboardFile: string, shard: Shard): string {
  return join(shardLockDir(storyboardFile), shardLockName(shard));
}

const SHARD_LOCK = /^shard-(\d+)-of-(\d+)\.lock$/;

/**
 * The shard lockfiles directly in `dir` or up to two levels below it (CI artifact downloads put each
 * artifact in its own folder), sorted by n, then i, then path.
 */
export async function findShardLocks(dir: string): Promise<string[]> {
  const found: { path: string; index: number; count: number }[] = [];
  const visit = async (folder: string, depth: number) => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const match = SHARD_LOCK.exec(entry.name);
      if (entry.isFile() && match) {
        found.push({ path, index: Number(match[1]), count: Number(match[2]) });
      } else if (entry.isDirectory() && depth < 2 && !entry.name.startsWith(".")) {
        await visit(path, depth + 1);
      }
    }
  };
  await visit(dir, 0);
  found.sort((a, b) => a.count - b.count || a.index - b.index || (a.path < b.path ? -1 : 1));
  return found.map((f) => f.path);
}
