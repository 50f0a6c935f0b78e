import { relative, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { loadLock } from "../lock/index.js";
import { loadStoryboard } from "../manifest/index.js";
import { locateBinary } from "../media/index.js";
import { clipFileName, lockPathFor } from "../paths.js";
import { statusSummary } from "../report/html.js";
import { reportUsage, reportWritten } from "../report/messages.js";
import { posterFileName } from "../report/model.js";
import { writeReport } from "../report/write.js";
import { booleanOption, type Command, stringOption } from "./command.js";

export const reportCommand: Command = {
  name: "report",
  summary: "Write the HTML contact sheet and the PNG storyboard strip",
  usage: "FILE",
  details:
    "Writes out/<name>/index.html: the stitched film, then per shot a poster frame, the clip,\n" +
    "its prompt, model, duration and size, and every take with its state and task id (the\n" +
    "picked take marked, errors in red). Also writes out/<name>/<name>.strip.png, one frame per\n" +
    "shot of the film in order. Reads the lockfile (and the journal of an unfinished run);\n" +
    "never changes it and never calls the API.",
  options: {
    json: { type: "boolean", description: "print the paths and each shot's state as JSON" },
    ffmpeg: { type: "string", valueName: "PATH", description: "ffmpeg binary to use" },
  },
  async run({ positionals, values, io }) {
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) throw new UsageError(reportUsage);
    const storyboard = await loadStoryboard(resolve(io.cwd, file));
    const { state } = await loadLock(lockPathFor(storyboard.file), storyboard.file);
    const ffmpegPath = locateBinary("ffmpeg", {
      explicit: stringOption(values, "ffmpeg"),
      env: io.env,
    }).path;
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    try {
      const result = await writeReport(storyboard, state, {
        ffmpegPath,
        signal: controller.signal,
      });
      for (const warning of result.warnings) io.stderr.write(`${warning}\n`);
      if (booleanOption(values, "json")) {
        const shots = result.model.shots.map((shot) => ({
          id: shot.id,
          state: shot.status,
          picked_take: shot.pickedTake,
          ...(shot.clip ? { clip: clipFileName(shot.id, shot.pickedTake) } : {}),
          ...(shot.poster ? { poster: posterFileName(shot.id, shot.pickedTake) } : {}),
          ...(shot.error ? { error: shot.error } : {}),
        }));
        io.stdout.write(
          `${JSON.stringify({ html: result.htmlPath, strip: result.stripPath, shots }, null, 2)}\n`,
        );
      } else {
        const shown = (path: string) => relative(io.cwd, path) || path;
        io.stdout.write(
          reportWritten(
            shown(result.htmlPath),
            shown(result.stripPath),
            result.model.shots.length,
            statusSummary(result.model.shots),
            result.posters,
          ),
        );
      }
      return 0;
    } finally {
      process.off("SIGINT", stop);
    }
  },
};
