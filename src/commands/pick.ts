import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const pickCommand: Command = {
  name: "pick",
  summary: "Choose which take of a shot the film uses",
  usage: "FILE SHOT TAKE",
  options: {},
  async run() {
    throw new ExitError("gallop pick is not available yet.");
  },
};
