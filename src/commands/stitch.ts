import { dirname, resolve } from "node:path";
import { ExitError, UsageError } from "../errors.js";
import { loadLock, lockStatePaths } from "../lock/index.js";
import { loadStoryboard } from "../manifest/index.js";
import { filmClips } from "../media/clips.js";
import { locateBinary } from "../media/ffmpeg.js";
import { stitchSummary } from "../media/messages.js";
import { stitchFilm } from "../media/stitch.js";
import { lockPathFor } from "../paths.js";
import { readClipCache, unverifiedFilmClips } from "../run/clips.js";
import { filmClipsUnverified } from "../run/messages.js";
import { booleanOption, type Command, stringOption } from "./command.js";

export const stitchCommand: Command = {
  name: "stitch",
  summary: "Join the downloaded clips into one film",
  usage: "FILE",
  details:
    "Uses the storyboard's stitch: section. Clips that share codec, size, pixel format, frame\n" +
    "rate and audio layout (and no transition or soundtrack) are joined without re-encoding;\n" +
    "otherwise every clip is normalised once to the target size and frame rate.",
  options: {
    ffmpeg: { type: "string", valueName: "PATH", description: "ffmpeg binary to use" },
    ffprobe: { type: "string", valueName: "PATH", description: "ffprobe binary to use" },
    json: { type: "boolean", description: "print the result as JSON" },
  },
  async run({ positionals, values, io }) {
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) {
      throw new UsageError(
        "gallop stitch takes one storyboard FILE. Example: gallop stitch teaser.yaml",
      );
    }
    const storyboardFile = resolve(io.cwd, file);
    const storyboard = await loadStoryboard(storyboardFile);
    // With a lockfile, only clips it vouches for (current request, sha256 as recorded).
    const lockPath = lockPathFor(storyboard.file);
    const { state, existed } = await loadLock(lockPath, storyboard.file);
    if (existed) {
      const cache = await readClipCache(lockStatePaths(lockPath).clipCache);
      const problems = await unverifiedFilmClips(storyboard, state, {
        lockDir: dirname(lockPath),
        cache,
      });
      if (problems.length > 0) throw new ExitError(filmClipsUnverified(problems, file));
    }
    const env = io.env;
    const ffmpegPath = locateBinary("ffmpeg", {
      explicit: stringOption(values, "ffmpeg"),
      env,
    }).path;
    const ffprobePath = locateBinary("ffprobe", {
      explicit: stringOption(values, "ffprobe"),
      env,
    }).path;
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    try {
      const result = await stitchFilm({
        clips: filmClips(storyboard),
        config: storyboard.stitch,
        ffmpegPath,
        ffprobePath,
        storyboardFile: file,
        signal: controller.signal,
      });
      io.stdout.write(
        booleanOption(values, "json")
          ? `${JSON.stringify(result, null, 2)}\n`
          : stitchSummary(result),
      );
      return 0;
    } finally {
      process.off("SIGINT", stop);
    }
  },
};
