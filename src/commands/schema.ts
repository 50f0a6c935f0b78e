import { ExitError } from "../errors.js";
import type { Command } from "./command.js";

// Placeholder until its issue lands; replaced by the real command.
export const schemaCommand: Command = {
  name: "schema",
  summary: "Print the storyboard JSON Schema (for editors and CI)",
  usage: "",
  options: {},
  async run() {
    throw new ExitError("gallop schema is not available yet.");
  },
};
