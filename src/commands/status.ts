import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const statusCommand: Command = {
  name: "status",
  summary: "Show the lockfile's view of every shot and take",
  usage: "FILE",
  options: {},
  async run() {
    throw new ExitError("gallop status is not available yet.");
  },
};
