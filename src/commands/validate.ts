import { ExitCode, UsageError } from "../errors.js";
import { checkStoryboard, formatProblems, hasErrors } from "../manifest/index.js";
import { booleanOption, type Command } from "./command.js";

export const validateCommand: Command = {
  name: "validate",
  summary:
    "Check storyboards against the schema and rules; report every problem with its line and column",
  usage: "FILE...",
  details: `Exit code 0 when every file is valid (warnings allowed), 1 when any has an error,
2 for usage errors. With --json, prints { files: [{ file, valid, problems }] } on stdout.`,
  options: {
    json: { type: "boolean", description: "print the problems as JSON (for editors and CI)" },
  },
  async run({ positionals, values, io }) {
    if (positionals.length === 0) {
      throw new UsageError(
        "gallop validate: name at least one storyboard, e.g. `gallop validate storyboard.yaml`.",
      );
    }
    const results = [];
    for (const file of positionals) {
      const { storyboard, problems } = await checkStoryboard(file);
      results.push({
        file,
        valid: !hasErrors(problems),
        problems,
        shots: storyboard?.shots.length,
      });
    }
    const valid = results.every((r) => r.valid);
    if (booleanOption(values, "json")) {
      const files = results.map(({ file, valid, problems }) => ({ file, valid, problems }));
      io.stdout.write(`${JSON.stringify({ files }, null, 2)}\n`);
      return valid ? ExitCode.ok : ExitCode.failed;
    }
    const color = Boolean(io.stderr.isTTY) && !io.env.NO_COLOR && io.env.FORCE_COLOR !== "0";
    for (const { file, valid, problems, shots } of results) {
      if (problems.length > 0) io.stderr.write(`${formatProblems(problems, { color })}\n`);
      if (valid) {
        const warnings = problems.length;
        io.stdout.write(
          `${file}: valid (${shots} shot${shots === 1 ? "" : "s"}${
            warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""
          })\n`,
        );
      } else {
        const errors = problems.filter((p) => p.severity === "error").length;
        io.stderr.write(`${file}: ${errors} error${errors === 1 ? "" : "s"}; not valid\n`);
      }
    }
    return valid ? ExitCode.ok : ExitCode.failed;
  },
};
