/**
 * The contact sheet page: one self-contained HTML file (inline CSS, no script, no external
 * resource) whose links are relative, so the output folder can be zipped or served as is.
 * Every piece of user text goes through `escapeHtml` (prompts, ids, API error messages).
 */
import {
  filmMissing,
  filmStale,
  orphansHeading,
  orphansNote,
  outdatedNote,
  PICKED_MARK,
  pageTitle,
  pickHint,
  SHOT_STATUS_LABELS,
  shotPlaceholder,
  stripAlt,
  summaryLine,
  TAKE_STATE_LABELS,
  UNUSED_MARK,
} from "./messages.js";
import type { ReportModel, ReportOrphan, ReportShot, ReportTake } from "./model.js";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for use in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Text with `code spans` in backticks turned into <code>, everything escaped. */
function prose(text: string): string {
  return text
    .split("`")
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join("");
}

export const REPORT_CSS = `
:root { color-scheme: dark; --bg: #14161a; --card: #1e2127; --line: #2e323a; --text: #e6e8eb;
  --muted: #9aa0a8; --accent: #f5c542; --ok: #3fb950; --warn: #d29922; --error: #ff4d4f; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0 0 12px; color: var(--muted); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #0d0f12;
  padding: 1px 4px; border-radius: 3px; }
.film { margin: 0 0 20px; padding: 12px; background: var(--card); border: 1px solid var(--line);
  border-radius: 8px; }
.film video { display: block; width: 100%; max-height: 480px; background: #000; border-radius: 4px; }
.strip { display: block; max-width: 100%; height: auto; margin-top: 12px; border-radius: 4px; }
.note { color: var(--warn); }
.shots { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 16px; }
figure.shot { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  overflow: hidden; display: flex; flex-direction: column; }
.media { aspect-ratio: 16 / 9; background: #000; display: flex; align-items: center;
  justify-content: center; }
.media video { width: 100%; height: 100%; object-fit: contain; background: #000; }
.placeholder { padding: 16px; color: var(--muted); text-align: center; }
figcaption { padding: 10px 12px 12px; }
figcaption h2 { margin: 0 0 6px; font-size: 16px; display: flex; gap: 8px; align-items: center; }
.index { color: var(--muted); font-weight: normal; }
.badge { font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 10px;
  background: var(--line); color: var(--text); text-transform: uppercase; letter-spacing: .03em; }
.badge.ready { background: #1f3d27; color: var(--ok); }
.badge.failed, .badge.clip-missing { background: #4a1d1f; color: var(--error); }
.badge.uncertain, .badge.expired, .badge.outdated, .badge.in-flight { background: #3d3117; color: var(--warn); }
.prompt { margin: 0 0 8px; white-space: pre-wrap; }
.meta { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0 0 8px; color: var(--muted); }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; color: var(--text); }
.error { color: var(--error); }
p.error { margin: 0 0 8px; white-space: pre-wrap; }
.hint { margin: 0 0 8px; color: var(--muted); }
table.takes { width: 100%; border-collapse: collapse; font-size: 12px; }
table.takes th, table.takes td { text-align: left; padding: 3px 4px; border-top: 1px solid var(--line);
  vertical-align: middle; }
table.takes th { color: var(--muted); font-weight: 600; }
table.takes img { display: block; width: 64px; height: 36px; object-fit: cover; border-radius: 2px; background: #000; }
tr.picked td { background: #2a2614; }
.picked-mark { color: var(--accent); font-weight: 600; white-space: nowrap; }
.unused-mark { color: var(--muted); }
.orphans { margin-top: 28px; }
.orphans h2 { font-size: 16px; }
`;

/** Which marks a takes table shows: a shot's table marks picks and unused takes; an orphan's does not. */
interface TakeTableOptions {
  marks: boolean;
  /** the take whose error the shot already shows above the table */
  errorShownAbove?: number;
}

function takeRows(takes: ReportTake[], options: TakeTableOptions): string {
  return takes
    .map((t) => {
      const picked = options.marks && t.picked;
      const marks = [
        picked
          ? `<span class="picked-mark" data-picked="true">${escapeHtml(PICKED_MARK)}</span>`
          : "",
        options.marks && t.unused
          ? `<span class="unused-mark">${escapeHtml(UNUSED_MARK)}</span>`
          : "",
      ]
        .filter(Boolean)
        .join(" ");
      const thumb = t.poster ? `<img src="${escapeHtml(t.poster)}" alt="" loading="lazy">` : "";
      const clip = t.clip ? `<a href="${escapeHtml(t.clip)}">clip</a>` : "";
      const stateClass = t.state === "failed" ? ' class="error"' : "";
      const row =
        `<tr class="take${picked ? " picked" : ""}" data-take="${t.take}" data-state="${escapeHtml(t.state)}"${picked ? ' data-picked="true"' : ""}>` +
        `<td>${thumb}</td><td>${t.take} ${marks}</td>` +
        `<td${stateClass}>${escapeHtml(TAKE_STATE_LABELS[t.state])}</td>` +
        `<td>${t.taskId ? `<code class="task-id">${escapeHtml(t.taskId)}</code>` : ""}</td>` +
        `<td>${clip}</td></tr>`;
      const error =
        t.error && t.take !== options.errorShownAbove
          ? `<tr class="take-error" data-take="${t.take}"><td></td><td colspan="4" class="error">${escapeHtml(t.error)}</td></tr>`
          : "";
      return row + error;
    })
    .join("\n");
}

function takesTable(takes: ReportTake[], options: TakeTableOptions): string {
  if (takes.length === 0) return "";
  return (
    '<table class="takes"><thead><tr><th></th><th>Take</th><th>State</th><th>Task id</th><th></th></tr></thead>\n<tbody>\n' +
    `${takeRows(takes, options)}\n</tbody></table>`
  );
}

function shotFigure(shot: ReportShot, storyboardFile: string): string {
  const media = shot.clip
    ? `<video controls preload="none" src="${escapeHtml(shot.clip)}"${shot.poster ? ` poster="${escapeHtml(shot.poster)}"` : ""}></video>`
    : `<div class="placeholder">${prose(shotPlaceholder(shot.status, storyboardFile))}</div>`;
  const resolution = shot.ratio
    ? `${shot.resolution} · ${shot.ratio}`
    : `${shot.resolution} · ratio of the image`;
  const notes = [
    shot.error ? `<p class="error" data-error="true">${escapeHtml(shot.error)}</p>` : "",
    shot.status === "outdated" ? `<p class="hint">${prose(outdatedNote(storyboardFile))}</p>` : "",
    shot.betterTake
      ? `<p class="hint">${prose(pickHint(storyboardFile, shot.id, shot.betterTake))}</p>`
      : "",
  ].join("");
  return `<figure class="shot" id="shot-${escapeHtml(shot.id)}" data-shot="${escapeHtml(shot.id)}" data-state="${shot.status}" data-picked-take="${shot.pickedTake}">
<div class="media">${media}</div>
<figcaption>
<h2><span class="index">${shot.index + 1}</span> ${escapeHtml(shot.id)} <span class="badge ${shot.status}">${escapeHtml(SHOT_STATUS_LABELS[shot.status])}</span></h2>
${shot.prompt !== undefined ? `<p class="prompt">${escapeHtml(shot.prompt)}</p>` : ""}
<dl class="meta"><dt>Model</dt><dd>${escapeHtml(shot.model)}</dd><dt>Duration</dt><dd>${shot.duration} s</dd><dt>Size</dt><dd>${escapeHtml(resolution)}</dd></dl>
${notes}
${takesTable(shot.takes, { marks: true, ...(shot.error ? { errorShownAbove: shot.pickedTake } : {}) })}
</figcaption>
</figure>`;
}

function orphanBlock(orphan: ReportOrphan): string {
  return `<section class="orphan" data-orphan="${escapeHtml(orphan.id)}"><h3>${escapeHtml(orphan.id)}</h3>
${takesTable(orphan.takes, { marks: false })}</section>`;
}

function filmSection(model: ReportModel): string {
  const film = model.film;
  const body = film.exists
    ? `<video controls preload="metadata" src="${escapeHtml(film.href)}"${film.poster ? ` poster="${escapeHtml(film.poster)}"` : ""}></video>` +
      (film.stale ? `<p class="note">${prose(filmStale(model.storyboardFile))}</p>` : "")
    : `<p class="note">${prose(filmMissing(model.storyboardFile))}</p>`;
  const strip = model.strip
    ? `<a href="${escapeHtml(model.strip)}"><img class="strip" src="${escapeHtml(model.strip)}" alt="${escapeHtml(stripAlt(model.name))}"></a>`
    : "";
  return `<section class="film" data-film="${film.exists ? "present" : "missing"}">${body}${strip}</section>`;
}

/** Counts of shots by state, in a fixed order, e.g. "2 ready, 1 failed". */
export function statusSummary(shots: readonly { status: ReportShot["status"] }[]): string {
  const counts = new Map<string, number>();
  for (const shot of shots) {
    const label = SHOT_STATUS_LABELS[shot.status];
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return summaryLine([...counts.entries()]);
}

/** Renders the whole page. */
export function renderReportHtml(model: ReportModel): string {
  const title = pageTitle(model.name);
  const orphans =
    model.orphans.length > 0
      ? `<section class="orphans"><h2>${escapeHtml(orphansHeading)}</h2><p class="hint">${escapeHtml(orphansNote)}</p>\n${model.orphans.map(orphanBlock).join("\n")}</section>`
      : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gallop">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body data-storyboard="${escapeHtml(model.storyboardFile)}">
<header><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(model.storyboardFile)} · ${model.shots.length} shot${model.shots.length === 1 ? "" : "s"}: ${escapeHtml(statusSummary(model.shots))} · generated ${escapeHtml(model.generatedAt)}</p></header>
<main>
${filmSection(model)}
<div class="shots">
${model.shots.map((shot) => shotFigure(shot, model.storyboardFile)).join("\n")}
</div>
${orphans}
</main>
</body>
</html>
`;
}
