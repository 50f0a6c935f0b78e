import type { Command } from "./command.js";
import { doctorCommand } from "./doctor.js";
import { lockMergeCommand } from "./lock-merge.js";
import { pickCommand } from "./pick.js";
import { planCommand } from "./plan.js";
import { reportCommand } from "./report.js";
import { runCommand } from "./run.js";
import { schemaCommand } from "./schema.js";
import { simulateCommand } from "./simulate.js";
import { statusCommand } from "./status.js";
import { stitchCommand } from "./stitch.js";
import { validateCommand } from "./validate.js";

/** Every command, in the order `gallop --help` lists them. */
export const commands: Command[] = [
  validateCommand,
  planCommand,
  runCommand,
  statusCommand,
  stitchCommand,
  pickCommand,
  reportCommand,
  lockMergeCommand,
  simulateCommand,
  doctorCommand,
  schemaCommand,
];
