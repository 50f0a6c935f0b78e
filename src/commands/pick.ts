import { resolve } from "node:path";
import { ExitCode, UsageError } from "../errors.js";
import { loadStoryboard } from "../manifest/index.js";
import * as say from "../takes/messages.js";
import { parseTake, pickTake } from "../takes/pick.js";
import { booleanOption, type Command } from "./command.js";

export const pickCommand: Command = {
  name: "pick",
  summary: "Choose which take of a shot the film uses",
  usage: "FILE SHOT TAKE",
  details: `Records \`picked_take\` for SHOT in the lockfile; \`gallop stitch\` and the stitch at the end
of \`gallop run\` then use that take's clip (<shot>.take<N>.mp4) instead of take 1. The take must
be one of the shot's \`takes:\` and must have succeeded with the shot's current request.
Not allowed while a run of the same storyboard is going on (it holds the run lock).`,
  options: {
    json: { type: "boolean", description: "print the result as JSON" },
  },
  async run({ positionals, values, io }) {
    const [file, shot, takeText, ...rest] = positionals;
    if (!file || !shot || !takeText || rest.length > 0) throw new UsageError(say.pickUsage);
    const take = parseTake(takeText);
    const storyboard = await loadStoryboard(resolve(io.cwd, file));
    const result = await pickTake(storyboard, shot, take, { cwd: io.cwd });
    io.stdout.write(
      booleanOption(values, "json")
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${say.picked(result.shot, result.take, result.takes, result.previous)}\n`,
    );
    return ExitCode.ok;
  },
};
