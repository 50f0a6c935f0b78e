import { UsageError } from "../errors.js";
import { diagnose } from "../media/doctor.js";
import { doctorText } from "../media/messages.js";
import { booleanOption, type Command, stringOption } from "./command.js";

export const doctorCommand: Command = {
  name: "doctor",
  summary: "Show which ffmpeg and ffprobe gallop uses, their versions and filters",
  usage: "",
  details:
    "Lookup order: --ffmpeg/--ffprobe, then GALLOP_FFMPEG/GALLOP_FFPROBE, then the binaries\n" +
    "bundled with gallop (@ffmpeg-installer, @ffprobe-installer), then PATH.\n" +
    "Exit code 0 when both are usable for stitching, 1 otherwise.",
  options: {
    ffmpeg: { type: "string", valueName: "PATH", description: "ffmpeg binary to check" },
    ffprobe: { type: "string", valueName: "PATH", description: "ffprobe binary to check" },
    json: { type: "boolean", description: "print the report as JSON" },
  },
  async run({ positionals, values, io }) {
    if (positionals.length > 0) throw new UsageError("gallop doctor takes no arguments.");
    const report = await diagnose({
      ffmpeg: stringOption(values, "ffmpeg"),
      ffprobe: stringOption(values, "ffprobe"),
      env: io.env,
    });
    io.stdout.write(
      booleanOption(values, "json") ? `${JSON.stringify(report, null, 2)}\n` : doctorText(report),
    );
    return report.ok ? 0 : 1;
  },
};
