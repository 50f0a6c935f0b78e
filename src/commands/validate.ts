import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const validateCommand: Command = {
  name: "validate",
  summary:
    "Check storyboards against the schema and rules; report every problem with its line and column",
  usage: "FILE...",
  options: {},
  async run() {
    throw new ExitError("gallop validate is not available yet.");
  },
};
