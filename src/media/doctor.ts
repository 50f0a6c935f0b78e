/** What `gallop doctor` reports: the binaries found, their versions and capabilities. */
import {
  type Capabilities,
  detectCapabilities,
  parseVersion,
  REQUIRED_FILTERS,
  type StitchFeatures,
} from "./capabilities.js";
import { captureOutput, type LocatedBinary, locateBinary } from "./ffmpeg.js";

export interface BinaryReport {
  name: "ffmpeg" | "ffprobe";
  found: boolean;
  path?: string;
  source?: LocatedBinary["source"];
  version?: string;
  /** why it is not usable */
  problem?: string;
}

export interface DoctorReport {
  ok: boolean;
  ffmpeg: BinaryReport;
  ffprobe: BinaryReport;
  capabilities?: StitchFeatures & {
    missingFilters: string[];
    /** how a crossfade is built with this ffmpeg */
    crossfade: "xfade" | "blend" | "unavailable";
  };
  problems: string[];
}

async function checkBinary(
  name: "ffmpeg" | "ffprobe",
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<BinaryReport> {
  let located: LocatedBinary;
  try {
    located = locateBinary(name, { explicit, env });
  } catch (error) {
    return { name, found: false, problem: error instanceof Error ? error.message : String(error) };
  }
  try {
    const version = parseVersion(await captureOutput(located.path, ["-hide_banner", "-version"]));
    return { name, found: true, path: located.path, source: located.source, version };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { name, found: true, path: located.path, source: located.source, problem: detail };
  }
}

export async function diagnose(
  options: { ffmpeg?: string; ffprobe?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  const [ffmpeg, ffprobe] = await Promise.all([
    checkBinary("ffmpeg", options.ffmpeg, env),
    checkBinary("ffprobe", options.ffprobe, env),
  ]);
  const problems = [ffmpeg.problem, ffprobe.problem].filter((p): p is string => Boolean(p));
  let capabilities: DoctorReport["capabilities"];
  if (ffmpeg.path && !ffmpeg.problem) {
    let caps: Capabilities | undefined;
    try {
      caps = await detectCapabilities({ ffmpegPath: ffmpeg.path });
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
    if (caps) {
      const missingFilters = REQUIRED_FILTERS.filter((f) => !caps.filters.has(f));
      capabilities = {
        xfade: caps.xfade,
        acrossfade: caps.acrossfade,
        blend: caps.blend,
        drawtext: caps.drawtext,
        libx264: caps.libx264,
        aac: caps.aac,
        missingFilters,
        crossfade: !caps.acrossfade
          ? "unavailable"
          : caps.xfade
            ? "xfade"
            : caps.blend
              ? "blend"
              : "unavailable",
      };
      if (!caps.libx264)
        problems.push("ffmpeg lacks the libx264 encoder (needed to normalise clips)");
      if (!caps.aac) problems.push("ffmpeg lacks the aac encoder (needed to normalise clips)");
      if (missingFilters.length > 0) {
        problems.push(`ffmpeg lacks the filters ${missingFilters.join(", ")}`);
      }
    }
  }
  return { ok: problems.length === 0, ffmpeg, ffprobe, capabilities, problems };
}
