import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const lockMergeCommand: Command = {
  name: "lock merge",
  summary: "Fold shard lockfiles into the storyboard's main lockfile",
  usage: "FILE",
  options: {},
  async run() {
    throw new ExitError("gallop lock merge is not available yet.");
  },
};
