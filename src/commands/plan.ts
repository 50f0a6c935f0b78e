import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const planCommand: Command = {
  name: "plan",
  summary: "Show what a run would do for each shot and take, and what it would cost (no network)",
  usage: "FILE",
  options: {},
  async run() {
    throw new ExitError("gallop plan is not available yet.");
  },
};
