import { dirname, relative, resolve } from "node:path";
import { ExitCode, UsageError } from "../errors.js";
import { loadLock, lockStatePaths } from "../lock/index.js";
import { loadStoryboard } from "../manifest/index.js";
import { lockPathFor } from "../paths.js";
import { formatPlan } from "../run/format.js";
import { checkClips, checkOnly, planRun, readClipCache } from "../run/index.js";
import { booleanOption, type Command, type OptionValues } from "./command.js";

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
  },
  async run({ positionals, values, io }) {
    const file = resolve(io.cwd, storyboardArgument(positionals, "plan"));
    const only = onlyOption(values);
    const storyboard = await loadStoryboard(file);
    checkOnly(storyboard, only);
    const lockPath = lockPathFor(storyboard.file);
    const { state } = await loadLock(lockPath, storyboard.file);
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
    if (booleanOption(values, "json")) {
      io.stdout.write(
        `${JSON.stringify({ storyboard: storyboard.file, lock: lockPath, actions: plan.actions, summary: plan.summary }, null, 2)}\n`,
      );
      return ExitCode.ok;
    }
    const shown = (p: string) => relative(io.cwd, p) || p;
    io.stdout.write(
      formatPlan(plan, `Plan for ${shown(storyboard.file)} (lock: ${shown(lockPath)})`),
    );
    return ExitCode.ok;
  },
};
