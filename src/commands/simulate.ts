import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const simulateCommand: Command = {
  name: "simulate",
  summary: "Run the built-in HppyHorse 1.1 simulator (a local server that renders real MP4s)",
  usage: "",
  options: {},
  async run() {
    throw new ExitError("gallop simulate is not available yet.");
  },
};
