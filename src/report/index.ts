// Public API of src/report/, re-exported by src/index.ts.
export { escapeHtml, REPORT_CSS, renderReportHtml, statusSummary } from "./html.js";
export {
  buildReportModel,
  hrefFor,
  posterFileName,
  type ReportFiles,
  type ReportFilm,
  type ReportModel,
  type ReportOrphan,
  type ReportShot,
  type ReportShotStatus,
  type ReportTake,
  takeKey,
} from "./model.js";
export { ensurePoster, POSTER_AT, POSTER_WIDTH, type PosterOptions } from "./posters.js";
export {
  STRIP_MARGIN,
  STRIP_ROW_LENGTH,
  STRIP_TILE,
  type StripOptions,
  type StripTile,
  writeStrip,
} from "./strip.js";
export { type ReportResult, type WriteReportOptions, writeReport } from "./write.js";
