import { ExitCode } from "../errors.js";
import { manifestSchemaText } from "../manifest/index.js";
import type { Command } from "./command.js";

export const schemaCommand: Command = {
  name: "schema",
  summary: "Print the storyboard JSON Schema (for editors and CI)",
  usage: "",
  details: `Editors that speak yaml-language-server pick the schema up from a modeline:
  # yaml-language-server: $schema=path/to/manifest.schema.json`,
  options: {},
  async run({ io }) {
    io.stdout.write(manifestSchemaText());
    return ExitCode.ok;
  },
};
