// Public API of src/shard/, re-exported by src/index.ts.

export {
  foldShardLocks,
  loadMainView,
  loadShardView,
  type MergeShardsResult,
  mergeShardLocks,
  seedFromMainLock,
} from "./fold.js";
export {
  findShardLocks,
  MAX_SHARDS,
  parseShard,
  type Shard,
  shardLockDir,
  shardLockName,
  shardLockPath,
  shardOf,
  shotsInShard,
} from "./shard.js";
