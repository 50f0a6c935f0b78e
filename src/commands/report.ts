import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const reportCommand: Command = {
  name: "report",
  summary: "Write the HTML contact sheet and the PNG storyboard strip",
  usage: "FILE",
  options: {},
  async run() {
    throw new ExitError("gallop report is not available yet.");
  },
};
