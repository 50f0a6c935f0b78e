/** Every user-facing sentence of src/shard/ and `gallop lock merge`. */

export const badShard = (text: string) =>
  `--shard ${text}: expected i/n with 1 ≤ i ≤ n ≤ 1000, e.g. --shard 2/4 (the second of four slices).`;

export const shardEmpty = (index: number, count: number, total: number) =>
  `Shard ${index}/${count} has no shots (the storyboard has ${total}); nothing to do.`;

export const shardHeading = (index: number, count: number, shots: number, total: number) =>
  `shard ${index}/${count}: ${shots} of ${total} shots`;

export const noShardLocks = (dir: string) =>
  `No shard lockfiles (shard-<i>-of-<n>.lock) in ${dir}. Run \`gallop run FILE --shard i/n\` ` +
  "first, or point --from at the folder holding the shard locks (e.g. downloaded CI artifacts).";

export const fromMissing = (dir: string) => `--from ${dir}: no such folder.`;

export const merged = (target: string, sources: number, records: number) =>
  records === 0
    ? `${target} already holds everything in the ${sources} shard lock${sources === 1 ? "" : "s"}; nothing written.`
    : `Merged ${sources} shard lock${sources === 1 ? "" : "s"} into ${target} (${records} record${records === 1 ? "" : "s"} written).`;

export const mergedSource = (file: string, shots: number, takes: number) =>
  `  ${file}: ${shots} shot${shots === 1 ? "" : "s"}, ${takes} take${takes === 1 ? "" : "s"} kept`;

export const conflict = (shot: string, take: number, kept: string, superseded: string[]) =>
  `  conflict ${shot} take ${take}: kept ${kept}; ${superseded.join(", ")} moved to its history`;

export const keptShardFiles =
  "The shard lockfiles were left as they are; delete them once the merged lock is committed.";

export const mergeInvalid = (problems: string[]) =>
  "The merged lockfile would not be valid, so nothing was written:\n" +
  problems.map((p) => `  - ${p}`).join("\n") +
  "\nThe shard lockfiles were probably edited by hand; restore them from their CI artifacts.";

export const unshardedRunning = (file: string, pid: number, host: string, since: string) =>
  `An unsharded gallop run of this storyboard is going on (pid ${pid} on ${host}, since ${since}); ` +
  "a shard run now could submit the same shots twice. Wait for it to finish, then run the shard. " +
  `Its run lock is ${file}.`;

export const shardRunning = (file: string, pid: number, host: string, since: string) =>
  `A shard run of this storyboard is going on (pid ${pid} on ${host}, since ${since}); an ` +
  "unsharded run now could submit its shots twice. Wait for the shards to finish, then run " +
  `(it folds their lockfiles in first). Its run lock is ${file}.`;
