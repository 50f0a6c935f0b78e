import { relative, resolve } from "node:path";
import { ExitCode, UsageError } from "../errors.js";
import { loadStoryboard } from "../manifest/index.js";
import { mergeShardLocks } from "../shard/fold.js";
import * as say from "../shard/messages.js";
import { booleanOption, type Command, stringOption } from "./command.js";

export const lockMergeCommand: Command = {
  name: "lock merge",
  summary: "Fold shard lockfiles into the storyboard's main lockfile",
  usage: "FILE",
  details: `Reads every shard-<i>-of-<n>.lock in <stem>.lock.d/ (or in --from DIR and up to two
folders below it, e.g. downloaded CI artifacts) and folds them into <stem>.lock. Per shot and
take the entry generated from the current request wins, then the more advanced state
(succeeded > downloading > submitted > uncertain > failed > expired); a task id that loses is
kept in the take's history, never dropped. Takes the main lock's run lock; the shard files are
left as they are. Clips are not moved: collect each shard's clips into the output folder.`,
  options: {
    from: {
      type: "string",
      valueName: "DIR",
      description: "folder holding the shard lockfiles (default: <stem>.lock.d/)",
    },
    json: { type: "boolean", description: "print the result as JSON" },
  },
  async run({ positionals, values, io }) {
    const [file, ...rest] = positionals;
    if (!file || rest.length > 0) {
      throw new UsageError(
        "gallop lock merge takes one storyboard, e.g. `gallop lock merge teaser.yaml --from shards/`.",
      );
    }
    const storyboard = await loadStoryboard(resolve(io.cwd, file));
    const from = stringOption(values, "from");
    const result = await mergeShardLocks(storyboard, {
      ...(from ? { from: resolve(io.cwd, from) } : {}),
      cwd: io.cwd,
    });
    if (booleanOption(values, "json")) {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return ExitCode.ok;
    }
    const target = relative(io.cwd, result.lockPath) || result.lockPath;
    const lines = [say.merged(target, result.sources.length, result.written)];
    for (const s of result.sources) lines.push(say.mergedSource(s.path, s.shots, s.taken));
    for (const c of result.conflicts) {
      lines.push(
        say.conflict(
          c.shot,
          c.take,
          `${c.kept.task_id ?? c.kept.state} from ${c.kept.label}`,
          c.superseded.map((l) => `${l.task_id ?? l.state} from ${l.label}`),
        ),
      );
    }
    lines.push(say.keptShardFiles);
    io.stdout.write(`${lines.join("\n")}\n`);
    return ExitCode.ok;
  },
};
