/**
 * A run's report as editor diagnostics, per harness file: leaks (warning on the allocating line;
 * still-reachable as information), memory errors (error), hints (information, on the site or on
 * the struct's class) and a failed run's message at its line. Related information carries what a
 * lost block drags along, the call stack and, for reachable blocks, the path from a root.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import {
  LEAK_KIND_SEVERITY,
  MEMORY_ERROR_SEVERITY,
  stoppedCheckWords,
  type FindingSeverity,
  type ReportSite,
} from '../protocol/runReportSchema';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE, type RunFindingData, type RunResultsParams } from '../protocol/lspMessages';
import { isTraceFile } from '../harness/harnessFiles';
import { siteRange } from './siteRanges';
import { errorWords } from './errorWords';
import { stepNumber } from '../analysis/stepNumber';

export interface SourceFiles {
  /** The text of a file (the open document's, else from disk), or undefined. */
  text(file: string): string | undefined;
  /** The editor URI of a file path. */
  uri(file: string): string;
  /** Where struct `name`'s class is declared, searched in `file` first. */
  structSite(name: string, file: string | undefined): ReportSite | undefined;
}

/** The editor's level for each finding severity. */
export const DIAGNOSTIC_SEVERITY: Readonly<Record<FindingSeverity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/** Run findings shown per file, at most (the rest are summed up in one). */
export const MAX_RUN_DIAGNOSTICS_PER_FILE = 500;

/** Diagnostics per file path. */
export function runDiagnostics(params: RunResultsParams, files: SourceFiles): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>();
  const report = params.report;
  const add = (site: ReportSite, diagnostic: Omit<Diagnostic, 'range' | 'source'>, range?: Range) => {
    const list = byFile.get(site.file) ?? [];
    byFile.set(site.file, list);
    list.push({
      range: range ?? siteRange(files.text(site.file), site.line, site.column),
      source: DIAGNOSTIC_SOURCE,
      ...diagnostic,
    });
  };
  const related = (site: ReportSite, message: string): DiagnosticRelatedInformation => ({
    location: { uri: files.uri(site.file), range: siteRange(files.text(site.file), site.line, site.column) },
    message,
  });
  const frames = (stack: ReportSite[]) => stack.slice(1).map((frame) => related(frame, 'called from here'));
  // Leaks of a mid-run check say which check, and that the run's end will replace them.
  const check = params.leakCheck;
  const runNote = params.status === 'running' ? 'run in progress' : `run ${params.status} before its end`;
  // A report of a run that did not complete: its leaks are the check when it stopped.
  const stopped = check || !report ? undefined : stoppedCheckWords(report);
  const checkNote = check
    ? ` [${check.requested ? 'Check Leaks Now' : 'mm_leak_check()'}: leak check at step ${stepNumber(check.event)}, ${runNote}]`
    : stopped
      ? ` [leak check ${stopped}: ${runNote}, no end-of-run leak check ran]`
      : '';
  // Errors recorded while the run goes on say so (their counts still grow; the report's replace them).
  const interimErrors = params.memoryErrors;

  for (const leak of report?.leaks ?? []) {
    if (leak.suppressed) continue;
    const info: DiagnosticRelatedInformation[] = [];
    let message = `${leak.kind}: ${leak.blocks} ${leak.struct} block${leak.blocks === 1 ? '' : 's'}, ${leak.bytes} bytes, allocated here`;
    if (leak.drags && leak.drags.blocks > 0) {
      message += ` (dragging along ${leak.drags.blocks} more blocks, ${leak.drags.bytes} bytes)`;
      info.push(
        related(
          leak.site,
          `drags along ${leak.drags.blocks} indirectly-lost blocks (${leak.drags.bytes} bytes) reachable only from these`,
        ),
      );
    }
    info.push(...frames(leak.stack));
    const path = leak.rootPath ?? [];
    // A mid-run check keeps the two ends of a long path: say where blocks were left out.
    const elidedAt = leak.rootPathElided ? path.length / 2 : -1;
    for (const [i, step] of path.entries()) {
      // A step whose site the runtime did not know (null) has no place to point at.
      if (!step.site) continue;
      info.push(
        related(
          step.site,
          i === 0
            ? /^(global|local)\b/.test(step.field)
              ? `root: ${step.struct}, held by the pointer variable ${step.field}, declared here`
              : `root: ${step.struct}, registered with mm_register_root here`
            : i === elidedAt
              ? `→ … ${leak.rootPathElided} more blocks (left out of this mid-run check) … → .${step.field} points to this ${step.struct}, allocated here`
              : `→ ${path[i - 1]!.struct}.${step.field} points to this ${step.struct}, allocated here`,
        ),
      );
    }
    const diagnostic: Omit<Diagnostic, 'range' | 'source'> = {
      severity: DIAGNOSTIC_SEVERITY[LEAK_KIND_SEVERITY[leak.kind]],
      code: leak.kind,
      message: message + checkNote,
    };
    if (info.length > 0) diagnostic.relatedInformation = info;
    const leakData = params.harnessFile ? suppressData(params.harnessFile, leak.kind, leak.stack, leak.struct) : undefined;
    if (leakData && leak.stack.length > 0) diagnostic.data = leakData;
    add(leak.site, diagnostic);
  }

  for (const error of report?.errors ?? []) {
    if (error.suppressed === true) continue;
    const info = frames(error.stack);
    // Each frame of the block's allocation (and free), as the text report's "Block was allocated at".
    const allocStack = error.allocStack ?? (error.allocSite ? [error.allocSite] : []);
    allocStack.forEach((frame, i) =>
      info.push(related(frame, i === 0 ? 'the block was allocated here' : 'the allocation was called from here')),
    );
    const freeStack = error.freeStack ?? (error.freeSite ? [error.freeSite] : []);
    freeStack.forEach((frame, i) =>
      info.push(related(frame, i === 0 ? 'the block was freed here' : 'the free was called from here')),
    );
    const diagnostic: Omit<Diagnostic, 'range' | 'source'> = {
      severity: DIAGNOSTIC_SEVERITY[MEMORY_ERROR_SEVERITY],
      code: error.kind,
      message:
        `${errorWords(error.kind, error.message)}${error.count > 1 ? ` (${error.count} times${interimErrors ? ' so far' : ''})` : ''}` +
        (interimErrors
          ? ` [${error.step !== undefined ? `memory error at step ${error.step}` : 'memory error during the run'}, ${runNote}]`
          : ''),
    };
    if (info.length > 0) diagnostic.relatedInformation = info;
    const errorData = params.harnessFile ? suppressData(params.harnessFile, error.kind, error.stack) : undefined;
    if (errorData && error.stack.length > 0) diagnostic.data = errorData;
    add(error.site, diagnostic);
  }
  const firstError = report?.errors[0];
  if (interimErrors && firstError && interimErrors.records > interimErrors.shown) {
    const rest = interimErrors.records - interimErrors.shown;
    add(firstError.site, {
      severity: DiagnosticSeverity.Information,
      code: 'more',
      message: `${count(interimErrors.shown)} of ${count(interimErrors.records)} memory error sites shown (${count(interimErrors.occurrences)} errors in all so far): the other ${count(rest)} show with the run's report [${runNote}]`,
    });
  }

  for (const hint of report?.hints ?? []) {
    const site = hint.site ?? (hint.struct ? files.structSite(hint.struct, params.harnessFile) : undefined);
    if (!site) continue;
    const padding = /padding|reorder/i.test(hint.kind);
    const diagnostic: Omit<Diagnostic, 'range' | 'source'> = {
      severity: DiagnosticSeverity.Information,
      code: padding ? DIAGNOSTIC_CODES.paddingHint : `hint-${hint.kind}`,
      message: `${hint.message}${hint.savingBytes > 0 ? ` (saves ${hint.savingBytes} bytes)` : ''}`,
    };
    if (padding && hint.struct) diagnostic.data = { struct: hint.struct };
    add(site, diagnostic, hint.struct ? classKeywordRange(files.text(site.file), site.line, hint.struct) : undefined);
  }

  if (params.status === 'failed' && params.message && params.failureSite) {
    add(params.failureSite, {
      severity: DiagnosticSeverity.Error,
      code: 'run-failed',
      // The diagnostic sits at the place, so the message need not start with it.
      message: `the run failed: ${withoutPlace(params.message, params.failureSite.file)}`,
    });
  }
  // A malloc-lab trace can fail on thousands of lines: keep the Problems panel usable.
  for (const [file, list] of byFile) {
    if (list.length <= MAX_RUN_DIAGNOSTICS_PER_FILE) continue;
    const rest = list.length - MAX_RUN_DIAGNOSTICS_PER_FILE;
    list.length = MAX_RUN_DIAGNOSTICS_PER_FILE;
    list.push({
      range: list[0]!.range,
      source: DIAGNOSTIC_SOURCE,
      severity: DiagnosticSeverity.Information,
      code: 'more',
      message: `${count(MAX_RUN_DIAGNOSTICS_PER_FILE)} of ${count(MAX_RUN_DIAGNOSTICS_PER_FILE + rest)} findings in ${file} shown: ${count(rest)} more are in the exported report`,
    });
  }
  return byFile;
}

/**
 * What the Problems panel's Suppress quick fix writes to the harness's `.lmmsupp` for this finding;
 * nothing for a trace's findings (a trace reads no suppressions file).
 */
function suppressData(harnessFile: string, kind: string, stack: ReportSite[], struct?: string): RunFindingData | undefined {
  if (isTraceFile(harnessFile)) return undefined;
  return { suppress: { harnessFile, kind, stack, ...(struct !== undefined ? { struct } : {}) } };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `path` as a regular expression matching it literally (a path may hold `(`, `.`, `$` …). */
function literalPattern(path: string): string {
  return path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `message` without the `FILE:LINE[:COL]: ` it starts with (`file` as written first: a path may hold spaces). */
function withoutPlace(message: string, file: string): string {
  const named = new RegExp(`^${literalPattern(file)}:\\d+(?::\\d+)?: `).exec(message);
  return named ? message.slice(named[0].length) : message.replace(/^\S+:\d+(?::\d+)?: /, '');
}

/** A failure message's first `file:line:column` that names the harness (or any .ts file). */
export function failureSiteOf(message: string, harnessFile: string | undefined): ReportSite | undefined {
  // The harness's own path as written, first: a path with parentheses or colons (`list (1).lmm.ts`)
  // is not one the pattern below reads whole.
  if (harnessFile) {
    const named = new RegExp(`(?:^|[\\s(])${literalPattern(harnessFile)}:(\\d+)(?::(\\d+))?`).exec(message);
    if (named) return { file: harnessFile, line: Number(named[1]), column: Number(named[2] ?? 1) };
  }
  // A harness (.ts and kin) or a replayed trace (.trace, malloc-lab .rep): a malformed trace fails at its line.
  const pattern = /((?:[A-Za-z]:)?[^\s:()]+\.(?:[cm]?tsx?|trace|rep)):(\d+)(?::(\d+))?/g;
  let first: ReportSite | undefined;
  for (const match of message.matchAll(pattern)) {
    const site = { file: match[1]!, line: Number(match[2]), column: Number(match[3] ?? 1) };
    if (
      harnessFile &&
      (site.file === harnessFile || harnessFile.endsWith('/' + site.file) || harnessFile.endsWith('\\' + site.file))
    ) {
      return { ...site, file: harnessFile };
    }
    first ??= site;
  }
  return first;
}

/**
 * A struct's hints sit on the `class` keyword of its declaration, not on its name, so that
 * hovering the name shows the struct's C layout rather than the hint.
 */
function classKeywordRange(text: string | undefined, line: number, struct: string): Range | undefined {
  const lineText = text?.split('\n')[line - 1];
  const match = lineText === undefined ? null : new RegExp(`\\bclass\\s+${struct.replace(/[$]/g, '\\$&')}\\b`).exec(lineText);
  if (!match) return undefined;
  return { start: { line: line - 1, character: match.index }, end: { line: line - 1, character: match.index + 5 } };
}
