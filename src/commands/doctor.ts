import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const doctorCommand: Command = {
  name: "doctor",
  summary: "Show which ffmpeg and ffprobe gallop uses, their versions and filters",
  usage: "",
  options: {},
  async run() {
    throw new ExitError("gallop doctor is not available yet.");
  },
};
