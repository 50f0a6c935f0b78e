import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const runCommand: Command = {
  name: "run",
  summary:
    "Generate every new or changed shot, download the clips, record them in the lockfile, stitch the film",
  usage: "FILE",
  options: {},
  async run() {
    throw new ExitError("gallop run is not available yet.");
  },
};
