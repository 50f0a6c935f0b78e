import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const stitchCommand: Command = {
  name: "stitch",
  summary: "Join the downloaded clips into one film",
  usage: "FILE",
  options: {},
  async run() {
    throw new ExitError("gallop stitch is not available yet.");
  },
};
