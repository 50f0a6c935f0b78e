/** What ffprobe says about a clip or an image, and a test image made by ffmpeg. */
import { captureOutput, locateBinary, runFfmpeg } from "../../src/media/index.js";

interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
}

async function ffprobe(path: string, entries: string) {
  const out = await captureOutput(locateBinary("ffprobe").path, [
    "-v",
    "error",
    "-show_entries",
    entries,
    "-of",
    "json",
    path,
  ]);
  return JSON.parse(out) as { format?: { duration: string }; streams: ProbedStream[] };
}

/** A clip's duration, its video stream, and its audio codec (undefined: no audio track). */
export async function probeClip(path: string) {
  const parsed = await ffprobe(
    path,
    "format=duration:stream=codec_type,codec_name,width,height,pix_fmt",
  );
  const video = parsed.streams.find((s) => s.codec_type === "video");
  const audio = parsed.streams.find((s) => s.codec_type === "audio");
  return {
    duration: Number(parsed.format?.duration),
    width: video?.width,
    height: video?.height,
    codec: video?.codec_name,
    pixFmt: video?.pix_fmt,
    audio: audio?.codec_name,
  };
}

/** The size and codec of the first stream (an image's, or a clip's video). */
export async function frameSize(
  path: string,
): Promise<{ width: number; height: number; codec: string }> {
  const stream = (await ffprobe(path, "stream=width,height,codec_name")).streams[0];
  if (!stream?.width || !stream.height) throw new Error(`${path}: no picture stream`);
  return { width: stream.width, height: stream.height, codec: stream.codec_name };
}

/** A PNG of ffmpeg's test pattern at the given size. */
export async function testImage(dest: string, width: number, height: number): Promise<string> {
  await runFfmpeg([
    "-f",
    "lavfi",
    "-i",
    `testsrc=s=${width}x${height}:d=1`,
    "-frames:v",
    "1",
    dest,
  ]);
  return dest;
}
