/** Reading a storyboard's text into a YAML document that remembers where every node sits. */
import { type Document, LineCounter, parseDocument, type YAMLError } from "yaml";
import { messages } from "./messages.js";
import type { ProblemDraft } from "./problem.js";

export interface ParsedSource {
  text: string;
  lineCounter: LineCounter;
  /** undefined when the text could not be parsed into one YAML document */
  doc?: Document.Parsed;
  problems: ProblemDraft[];
}

/** Decodes bytes as UTF-8 text; undefined when they look binary. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

function lineOf(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const end = text.indexOf("\n", offset);
  return text.slice(start, end === -1 ? text.length : end);
}

function draftFromYamlError(error: YAMLError, text: string): ProblemDraft {
  const [start, end] = error.pos;
  const range = [start, Math.max(end, start + 1)] as const;
  switch (error.code) {
    case "MULTIPLE_DOCS":
      return {
        range,
        message: messages.multipleDocs,
        hint: messages.multipleDocsHint,
        rule: "yaml",
      };
    case "DUPLICATE_KEY": {
      const key = /^[^:\n]*/.exec(text.slice(start))?.[0].trim() || text.slice(start, end);
      return {
        range: [start, start + Math.max(1, key.length)],
        message: messages.duplicateKey(key),
        hint: messages.duplicateKeyHint,
        rule: "yaml",
      };
    }
    case "MISSING_CHAR": {
      // An unclosed quote is reported at the end of the file; point at where it opens.
      const quote = /"|'/.exec(error.message)?.[0];
      const opening = quote ? text.lastIndexOf(quote, Math.min(start, text.length - 1)) : -1;
      if (opening === -1) break;
      return {
        range: [opening, opening + 1],
        message: messages.unclosedQuote(quote!),
        hint: messages.unclosedQuoteHint(quote!),
        rule: "yaml",
      };
    }
    case "TAB_AS_INDENT":
      return { range, message: messages.tabIndent, hint: messages.tabIndentHint, rule: "yaml" };
  }
  // yaml's own message, without the "at line X, column Y" it adds (we print that ourselves).
  const detail = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").trim();
  const line = lineOf(text, start);
  let hint: string | undefined;
  if (/:\s+[{[]/.test(line) && /\{\{|\[/.test(line)) hint = messages.quoteBraceHint;
  else if (error.code === "MULTILINE_IMPLICIT_KEY") hint = messages.indentHint;
  else if (/:\s.*:\s/.test(line)) hint = messages.quoteColonHint;
  return { range, message: messages.yamlSyntax(lowerFirst(detail)), hint, rule: "yaml" };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Parses storyboard text; YAML errors and warnings become problems with positions. */
export function parseSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    keepSourceTokens: false,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
    version: "1.2",
    // yaml would print a process warning for odd keys such as `{{style}}: x`; we report those ourselves.
    logLevel: "error",
  });
  const problems: ProblemDraft[] = [];
  // One syntax error often causes a second at the same place; the first says it best.
  // (A multi-line implicit key is the cause of the others: usually a wrong indentation.)
  const byLine = new Map<number, YAMLError>();
  for (const error of doc.errors) {
    const line = lineCounter.linePos(error.pos[0]).line;
    const first = byLine.get(line);
    if (!first || error.code === "MULTILINE_IMPLICIT_KEY") byLine.set(line, error);
  }
  for (const error of byLine.values()) problems.push(draftFromYamlError(error, text));
  for (const warning of doc.warnings) {
    problems.push({ ...draftFromYamlError(warning, text), severity: "warning" });
  }
  return { text, lineCounter, doc, problems };
}
