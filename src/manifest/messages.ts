/** Every sentence the manifest module shows to people (STYLE.md 5). */

export const code = (text: string | number): string => `\`${text}\``;

export const messages = {
  cannotRead: (reason: string) => `cannot read the storyboard: ${reason}`,
  notFound: "no such file",
  notFoundHint: "check the path; storyboards are YAML files such as `storyboard.yaml`",
  isDirectory: "this is a folder, not a storyboard file",
  notText: "this is not a text file (it looks binary); a storyboard is a YAML text file",
  empty: "the storyboard is empty",
  emptyHint: "start with `version: 1` and a `shots:` list; see `gallop schema` or examples/",
  rootNotMapping: (found: string) =>
    `a storyboard must be a mapping of keys such as \`version:\` and \`shots:\`, found ${found}`,
  rootNotMappingHint: "write `version: 1` on the first line and the shots as a `shots:` list",
  multipleDocs: "a storyboard is a single YAML document, but this file has several (`---`)",
  multipleDocsHint: "split the documents into separate storyboard files",
  duplicateKey: (key: string) => `duplicate key ${code(key)}: it is already set above`,
  duplicateKeyHint: "keep one of them; YAML does not allow the same key twice in a mapping",
  tabIndent: "tabs cannot indent YAML",
  tabIndentHint: "indent with spaces",
  yamlSyntax: (detail: string) => `YAML syntax error: ${detail}`,
  quoteColonHint: 'text that contains ": " must be quoted, e.g. prompt: "Title: a glass city"',
  quoteBraceHint:
    'a value that starts with `{` or `[` must be quoted, e.g. prompt: "{{style}} at dusk"',
  unclosedQuote: (quote: string) => `this ${quote} quote is never closed`,
  unclosedQuoteHint: (quote: string) => `add the closing ${quote} at the end of the text`,
  indentHint:
    "check the indentation of this line and the next: keys of one mapping must line up exactly",
  tooManyAliases: "the storyboard expands too many aliases (`*name`)",

  unknownKey: (key: string, where: string) => `unknown key ${code(key)} ${where}`,
  didYouMean: (word: string) => `did you mean ${code(word)}?`,
  allowedKeys: (keys: readonly string[]) => `allowed keys here: ${keys.join(", ")}`,
  keyBelongsElsewhere: (key: string, place: string) => `${code(key)} belongs ${place}`,
  missingKey: (key: string, where: string) => `missing required key ${code(key)} ${where}`,
  missingVersionHint: "add `version: 1` as the first line",
  missingShotsHint: "add a `shots:` list with at least one shot (`- id: ...`)",
  missingIdHint: "every shot needs a unique `id:` (lowercase letters, digits, - and _)",
  missingCommandHint: 'add `command: [my-uploader, "{file}"]`',
  wrongType: (field: string, expected: string, found: string) =>
    `${code(field)} must be ${expected}, found ${found}`,
  emptyValue: (field: string, expected: string) =>
    `${code(field)} has no value; it must be ${expected}`,
  emptyValueHint: (field: string) => `write a value after \`${field}:\`, or remove the line`,
  secondsHint: (field: string, value: string) =>
    `write seconds as a plain number: \`${field}: ${value}\``,
  resolutionHint: (value: string) => `write ${code(value)}`,
  quoteHint: (field: string, raw: string) => `quote it: \`${field}: "${raw}"\``,
  braceHint: "a value that starts with `{` is read as a YAML mapping; quote it",
  listHint: (field: string) =>
    `write a list: \`${field}: [first, second]\` or one \`- item\` per line`,
  shotsListHint: "each shot is a list item starting with `- id: ...`",
  oneOf: (field: string, allowed: readonly string[], found: string) =>
    `${code(field)} must be one of ${allowed.join(", ")}; found ${found}`,
  between: (field: string, min: number, max: number, unit: string, found: unknown) =>
    `${code(field)} must be between ${min} and ${max}${unit}, found ${found}`,
  atLeast: (field: string, min: number, unit: string, found: unknown) =>
    `${code(field)} must be at least ${min}${unit}, found ${found}`,
  atMost: (field: string, max: number, unit: string, found: unknown) =>
    `${code(field)} must be at most ${max}${unit}, found ${found}`,
  greaterThan: (field: string, min: number, unit: string, found: unknown) =>
    `${code(field)} must be greater than ${min}${unit}, found ${found}`,
  wholeNumberHint: "use a whole number",
  version: (found: string) => `unsupported storyboard version ${found}; gallop reads version 1`,
  versionHint: "write `version: 1`",
  emptyText: (field: string) => `${code(field)} is empty`,
  emptyList: (field: string, what: string) => `${code(field)} needs at least ${what}`,
  badShotId: (id: string) =>
    `shot id ${code(id)} may only contain lowercase letters, digits, - and _ (at most 64, starting with a letter or digit), because it becomes a file name`,
  tryInstead: (value: string) => `try ${code(value)}`,
  badName: (name: string) =>
    `name ${code(name)} may only contain letters, digits, ., - and _ (it becomes a folder and file name)`,
  badDuration: (field: string, found: string) =>
    `${code(field)} must be a duration such as 500ms, 10s, 15m or a number of seconds; found ${found}`,
  badSize: (found: string) => `\`size\` must be WIDTHxHEIGHT such as 1920x1080; found ${found}`,
  badVarName: (name: string) =>
    `var name ${code(name)} may only contain letters, digits, _ and - (and cannot start with a digit)`,
  schemaOther: (field: string, detail: string) => `${code(field)} ${detail}`,

  duplicateId: (id: string, line: number) =>
    `duplicate shot id ${code(id)}; it is already used on line ${line}`,
  duplicateIdHint: "shot ids must be unique: each becomes a clip file name",
  noModel: (id: string) => `shot ${code(id)} has no model`,
  noModelHint:
    "set `model:` on the shot (text-to-video, image-to-video or reference-to-video) or in `defaults:`",
  promptRequired: (id: string, model: string) => `shot ${code(id)} needs a \`prompt\` (${model})`,
  promptRequiredHint: "add `prompt: ...` describing the shot",
  imagesRequired: (id: string, model: string) =>
    `shot ${code(id)} needs \`images\` (${model} animates or follows images)`,
  imagesRequiredHint: "add `images: [https://example.com/frame.jpg]` or a local path",
  imagesNotAllowed: (id: string) =>
    `shot ${code(id)} is text-to-video, which takes no images; \`images\` would be ignored`,
  imagesNotAllowedHint:
    "remove `images`, or set `model: image-to-video` (animate) or `reference-to-video` (guide)",
  ratioNotAllowed: (id: string) =>
    `shot ${code(id)} is image-to-video, whose aspect ratio comes from its image; \`ratio\` cannot be set`,
  ratioNotAllowedHint:
    "remove `ratio` (a ratio in `defaults:` is simply not sent for image-to-video)",
  imageRefOutOfRange: (ref: string, count: number) =>
    `${ref} refers to an image this shot does not have: it has ${count} image${count === 1 ? "" : "s"}`,
  imageRefOutOfRangeHint: (count: number) =>
    count === 1
      ? "refer to the only image as [Image 1], or add more `images`"
      : `use [Image 1] to [Image ${count}], or add more \`images\``,
  unknownVar: (name: string) => `unknown var ${code(`{{${name}}}`)}`,
  unknownVarHint: (name: string) => `define it under \`vars:\`, e.g. \`${name}: ...\``,
  noVarsHint: (name: string) => `add \`vars:\` with \`${name}: ...\` at the top level`,
  unusedVar: (name: string) => `var ${code(name)} is never used in a prompt`,
  unusedVarHint: (name: string) => `use it as {{${name}}} in a prompt, or remove it`,
  badImageScheme: (scheme: string) =>
    `image ${code(`${scheme}:`)} URLs are not supported: images are http(s) URLs or local file paths`,
  badImageSchemeHint:
    "make the image reachable over https, or download it and write its local path (relative to the storyboard)",
  fileSchemeHint: "write the plain path instead of a file: URL",
  imageMissing: (path: string, absPath: string) =>
    `image file ${code(path)} does not exist (looked for ${absPath})`,
  imageMissingHint: "local image paths are relative to the storyboard's folder",
  imageNotFile: (path: string) => `image ${code(path)} is not a file`,
  soundtrackMissing: (path: string, absPath: string) =>
    `soundtrack ${code(path)} does not exist (looked for ${absPath})`,
  soundtrackHint:
    '`audio` is "keep", "mute" or the path of a sound file relative to the storyboard',
  unknownStitchShot: (id: string) =>
    `\`stitch.shots\` names shot ${code(id)}, which does not exist`,
  transitionTooLong: (duration: number, shortest: number) =>
    `\`transition_duration\` ${duration} s is not shorter than the shortest stitched shot (${shortest} s)`,
  transitionTooLongHint: "use a shorter transition, e.g. 0.5",
  uploadNoFile:
    "`upload.command` never mentions {file}: the uploader will not know which image to send",
  uploadNoFileHint: 'add "{file}" to the arguments, e.g. [my-uploader, "{file}"]',
  filmOverClip: (film: string, shot: string, take: number) =>
    `the stitched film ${code(film)} would be written over the clip of shot ${code(shot)}${take > 1 ? ` (take ${take})` : ""}`,
  filmOverClipHint:
    "set `stitch.output` (e.g. film.mp4) or `name:` so the film gets its own file, or rename the shot",

  invalidStoryboard: (file: string, count: number) =>
    `${file}: ${count} problem${count === 1 ? "" : "s"}; the storyboard is not valid`,
} as const;
