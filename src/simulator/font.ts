/**
 * drawtext needs a font file. gallop looks for one (GALLOP_FONT, well-known paths, a scan of
 * the system font folders, fc-match) and renders without text when there is none: the
 * simulator must never fail for lack of a font.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const WELL_KNOWN = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/TTF/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "/System/Library/Fonts/Supplemental/Arial.ttf",
  "/Library/Fonts/Arial.ttf",
  "C:\\Windows\\Fonts\\arial.ttf",
];
const FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts"];

let cached: string | null | undefined;

function scan(dir: string, depth: number): string | undefined {
  if (depth > 4) return undefined;
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const file = entries.find((e) => e.isFile() && /\.ttf$/i.test(e.name));
  if (file) return join(dir, file.name);
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const found = scan(join(dir, entry.name), depth + 1);
    if (found) return found;
  }
  return undefined;
}

function fcMatch(): string | undefined {
  try {
    const out = execFileSync("fc-match", ["--format=%{file}", "sans"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 3000,
    }).trim();
    return out && existsSync(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** A TrueType font file for drawtext, or undefined when the machine has none. */
export function findFont(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.GALLOP_FONT;
  if (explicit && existsSync(explicit)) return explicit;
  if (cached !== undefined) return cached ?? undefined;
  const found =
    WELL_KNOWN.find((path) => existsSync(path)) ??
    FONT_DIRS.map((dir) => scan(dir, 0)).find(Boolean) ??
    fcMatch();
  cached = found ?? null;
  return found;
}
