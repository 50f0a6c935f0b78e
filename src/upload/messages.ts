/** Every user-facing sentence of src/upload/. */

const quote = (text: string) =>
  text
    .split("\n")
    .map((line) => `    | ${line}`)
    .join("\n");

export const noUploadCommand = (images: string[]) =>
  `${images.length === 1 ? "This local image needs" : "These local images need"} a public URL ` +
  `before anything is submitted: ${images.join(", ")}.\n` +
  "The HppyHorse API only fetches images by URL. Add an upload command to the storyboard, e.g.\n" +
  "  upload:\n" +
  '    command: [./upload-image.sh, "{file}", "{sha256}"]\n' +
  "(it is run once per image, without a shell, and must print the image's public https URL as " +
  "its last line of output), or use https URLs in `images:`, or try it with --simulate.\n" +
  "Nothing was submitted.";

export const uploadsFailed = (problems: string[]) =>
  `${problems.length === 1 ? "A local image" : `${problems.length} local images`} could not be ` +
  "uploaded, so nothing was submitted (no paid request was made):\n" +
  problems.map((p) => `  - ${p}`).join("\n") +
  "\nFix the upload command or the file, then run again; images already uploaded are cached " +
  "in the lockfile.";

export const fileMissing = (path: string) =>
  `${path}: the file is gone (it was there when the storyboard was read). Restore it or change ` +
  "`images:`.";

export const fileUnreadable = (path: string, reason: string) =>
  `${path}: cannot read it (${reason})`;

export const fileChanged = (path: string) =>
  `${path}: the file changed while gallop was running; run again so its new content is fingerprinted`;

export const commandNotFound = (path: string, program: string) =>
  `${path}: the upload command \`${program}\` was not found. Check upload.command[0] ` +
  "(a program on PATH, or a path relative to the storyboard's folder).";

export const commandCouldNotStart = (path: string, program: string, reason: string) =>
  `${path}: the upload command \`${program}\` could not be started: ${reason}`;

export const commandTimedOut = (path: string, seconds: number, stderr: string) =>
  `${path}: the upload command did not finish within ${seconds} s and was stopped.` +
  (stderr ? `\n  Its last error output:\n${quote(stderr)}` : "");

export const commandFailed = (path: string, how: string, stderr: string) =>
  `${path}: the upload command ${how}.` +
  (stderr ? `\n  Its last error output:\n${quote(stderr)}` : " It printed nothing on stderr.");

export const commandNoUrl = (path: string, printed: string) =>
  printed
    ? `${path}: the upload command's last line of output is not an http(s) URL:\n${quote(printed)}\n` +
      "  It must print the image's public URL (and nothing after it) on stdout; send logs to stderr."
    : `${path}: the upload command printed nothing on stdout; it must print the image's public ` +
      "URL as its last line.";

export const simulatorUploadFailed = (path: string, reason: string) =>
  `${path}: upload to the simulator failed: ${reason}`;
