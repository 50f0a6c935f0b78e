import { dirname, relative, resolve } from "node:path";
import { ExitCode, UsageError } from "../errors.js";
import { type LockState, lockStatePaths } from "../lock/index.js";
import { loadStoryboard } from "../manifest/index.js";
import { lockPathFor } from "../paths.js";
import { formatPlan } from "../run/format.js";
import { checkClips, checkOnly, planRun, readClipCache } from "../run/index.js";
import * as say from "../run/messages.js";
import { loadMainView, loadShardView } from "../shard/fold.js";
import { shardHeading } from "../shard/messages.js";
import { parseShard } from "../shard/shard.js";
import { takeLabel } from "../takes/messages.js";
import { localImagesOf } from "../upload/uploads.js";
import { booleanOption, type Command, type OptionValues, stringOption } from "./command.js";

/** `--only a,b --only c` → ["a", "b", "c"] (undefined when absent). */
export function onlyOption(values: OptionValues): string[] | undefined {
  const raw = values.only;
  if (raw === undefined) return undefined;
  const list = (Array.isArray(raw) ? raw : [String(raw)])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  if (list.length === 0)
    throw new UsageError("--only: name at least one shot id, e.g. --only opening,hero");
  return list;
}

export function storyboardArgument(positionals: string[], command: string): string {
  const [file, ...rest] = positionals;
  if (!file || rest.length > 0) {
    throw new UsageError(
      `gallop ${command}: name one storyboard, e.g. \`gallop ${command} teaser.yaml\`.`,
    );
  }
  return file;
}

export const planCommand: Command = {
  name: "plan",
  summary: "Show what a run would do for each shot and take, and what it would cost (no network)",
  usage: "FILE",
  details: `Actions: skip (done, clip verified), download (done but the clip is missing or damaged:
fetched again, no new payment), poll (in flight), submit (new), regenerate (changed; names the
fields), retry (failed or expired last time), uncertain (outcome of a submission unknown; only
resubmitted with --resubmit-uncertain), orphaned (in the lock, not in the storyboard; kept),
unused (takes beyond the storyboard's takes; kept). Clips are checked by size, and by sha256
when their size or modification time changed since gallop last verified them (--verify: always).`,
  options: {
    json: { type: "boolean", description: "print the plan as JSON" },
    only: {
      type: "string",
      valueName: "IDS",
      multiple: true,
      description: "only these shots (comma-separated)",
    },
    "resubmit-uncertain": {
      type: "boolean",
      description: "plan to resubmit uncertain takes (may bill twice)",
    },
    verify: { type: "boolean", description: "hash every clip instead of trusting size and mtime" },
    shard: {
      type: "string",
      valueName: "i/n",
      description: "plan only the i-th of n slices, as `gallop run --shard i/n` would run it",
    },
  },
  async run({ positionals, values, io }) {
    const file = resolve(io.cwd, storyboardArgument(positionals, "plan"));
    let only = onlyOption(values);
    const shardText = stringOption(values, "shard");
    const shard = shardText === undefined ? undefined : parseShard(shardText);
    const storyboard = await loadStoryboard(file);
    checkOnly(storyboard, only);
    let lockPath = lockPathFor(storyboard.file);
    let state: LockState;
    if (shard) {
      const view = await loadShardView(storyboard, shard);
      ({ state, lockPath } = view);
      const inShard = new Set(view.shotIds);
      only = only ? only.filter((id) => inShard.has(id)) : view.shotIds;
    } else {
      const view = await loadMainView(storyboard);
      state = view.state;
      if (view.unmerged && !booleanOption(values, "json"))
        io.stderr.write(`${say.shardsUnmerged}\n`);
    }
    const clips = await checkClips(storyboard, state, {
      lockDir: dirname(lockPath),
      cache: await readClipCache(lockStatePaths(lockPath).clipCache),
      verify: booleanOption(values, "verify"),
      ...(only ? { only } : {}),
    });
    const plan = planRun(storyboard, state, {
      clips,
      ...(only ? { only } : {}),
      resubmitUncertain: booleanOption(values, "resubmit-uncertain"),
    });
    const takes = new Map(storyboard.shots.map((s) => [s.id, s.takes]));
    const picks = (id: string) => state.shot(id)?.picked_take;
    // Local images the submissions need, and how many the lockfile already has a URL for.
    const submitting = new Set(plan.actions.filter((a) => a.step === "submit").map((a) => a.shot));
    const images = localImagesOf(storyboard.shots.filter((s) => submitting.has(s.id)));
    const cached = images.filter((i) => state.lock.uploads[i.sha256]).length;
    if (booleanOption(values, "json")) {
      io.stdout.write(
        `${JSON.stringify(
          {
            storyboard: storyboard.file,
            lock: lockPath,
            ...(shard ? { shard } : {}),
            actions: plan.actions.map((a) => ({
              ...a,
              takes: takes.get(a.shot) ?? 0,
              picked: (picks(a.shot) ?? 1) === a.take,
            })),
            uploads: { images: images.length, cached },
            summary: plan.summary,
          },
          null,
          2,
        )}\n`,
      );
      return ExitCode.ok;
    }
    const shown = (p: string) => relative(io.cwd, p) || p;
    const heading =
      `Plan for ${shown(storyboard.file)} (lock: ${shown(lockPath)}` +
      `${shard ? `; ${shardHeading(shard.index, shard.count, only?.length ?? 0, storyboard.shots.length)}` : ""})`;
    io.stdout.write(
      formatPlan(plan, heading, (shot, take) => takeLabel(take, takes.get(shot) ?? 1, picks(shot))),
    );
    if (images.length > 0) io.stdout.write(`${say.localImagesToUpload(images.length, cached)}\n`);
    return ExitCode.ok;
  },
};
