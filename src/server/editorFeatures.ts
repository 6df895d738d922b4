/**
 * Hovers, completion, code lenses and quick fixes for harness files, as pure functions of the
 * document, its scan and the last run's report (so they are unit tested without a client).
 */
import {
  CompletionItemKind,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type Position,
  type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { StructLayout } from '../analysis/analysisInput';
import { paddingBytes, reorderedForPadding } from '../analysis/cLayout';
import { DATA_START, META_SIZE } from '../engine/constants';
import { stoppedCheckWords, type LmmReport, type ReportSiteFigures } from '../protocol/runReportSchema';
import { DIAGNOSTIC_CODES, SUPPRESS_FINDING_COMMAND, suppressFindingArgsOf } from '../protocol/lspMessages';
import type { HarnessScan, ScannedStruct, Span } from './harnessScan';
import { errorWords } from './errorWords';

const inSpan = (offset: number, span: Span | undefined) => span !== undefined && offset >= span.start && offset <= span.end;

/** The C layout of a struct as a Markdown table: offsets, sizes, padding and sizeof. */
export function layoutMarkdown(layout: StructLayout, pageSize: number): string {
  const rows = ['| offset | size | field | C type |', '|---:|---:|---|---|'];
  let at = 0;
  for (const f of layout.fields) {
    if (f.offset > at) rows.push(`| ${at} | ${f.offset - at} | *padding* | |`);
    rows.push(`| ${f.offset} | ${f.size} | \`${f.name}\` | \`${f.type}\` |`);
    at = f.offset + f.size;
  }
  if (layout.size > at) rows.push(`| ${at} | ${layout.size - at} | *tail padding* | |`);
  const padding = paddingBytes(layout);
  let text =
    `**struct ${layout.name}** — \`sizeof\` = ${layout.size} bytes, alignment ${layout.align}` +
    (padding > 0 ? `, ${padding} bytes of padding` : '') +
    '\n\n';
  text += rows.join('\n') + '\n';
  if (layout.size > 0 && layout.size <= pageSize - DATA_START) {
    const perPage = Math.floor((pageSize - DATA_START + META_SIZE) / (META_SIZE + layout.size));
    text += `\n${perPage} per ${pageSize}-byte page (each block has ${META_SIZE} bytes of meta data).`;
  }
  if (padding > 0) {
    const better = reorderedForPadding(layout);
    if (better.size < layout.size)
      text += `\n\nReordered (${better.fields.map((f) => f.name).join(', ')}): ${better.size} bytes.`;
  }
  return text;
}

export function hoverAt(
  document: TextDocument,
  scan: HarnessScan,
  position: Position,
  report: LmmReport | undefined,
  file: string,
  pageSize: number,
): Hover | null {
  const offset = document.offsetAt(position);
  const structs = new Map(scan.structs.map((s) => [s.name, s]));
  const range = (span: Span) => ({ start: document.positionAt(span.start), end: document.positionAt(span.end) });
  const structHover = (struct: ScannedStruct | undefined, span: Span): Hover | null => {
    if (!struct) return null;
    const value = struct.layout
      ? layoutMarkdown(struct.layout, pageSize)
      : `**struct ${struct.name}**: no C layout (${struct.layoutProblem ?? 'unknown field types'})`;
    return { contents: { kind: 'markdown', value }, range: range(span) };
  };
  for (const struct of scan.structs) if (inSpan(offset, struct.nameSpan)) return structHover(struct, struct.nameSpan);
  for (const call of [...scan.allocations, ...scan.registrations]) {
    if (call.struct && inSpan(offset, call.structSpan)) return structHover(structs.get(call.struct), call.structSpan!);
  }
  for (const [kind, calls] of [
    ['XCALLOC', scan.allocations],
    ['XFREE', scan.frees],
  ] as const) {
    for (const call of calls) {
      if (!inSpan(offset, call.calleeSpan)) continue;
      const line = document.positionAt(call.calleeSpan.start).line + 1;
      return { contents: { kind: 'markdown', value: siteMarkdown(kind, report, file, line) }, range: range(call.calleeSpan) };
    }
  }
  return null;
}

/** The site figures (and errors) of the last run on line `line` of `file`. */
function siteMarkdown(kind: 'XCALLOC' | 'XFREE', report: LmmReport | undefined, file: string, line: number): string {
  if (!report) return `**${kind}** — run the harness to see this line's figures.`;
  const lines: string[] = [];
  // A run that did not complete: its leaks are the check when it stopped, no end-of-run verdict.
  const stopped = stoppedCheckWords(report);
  if (stopped) lines.push(`The last run did not complete: no end-of-run leak check ran; leaks are those ${stopped}.`);
  if (kind === 'XCALLOC') {
    const figures = figuresOn(report, file, line);
    if (figures.length === 0) lines.push('No allocation ran on this line in the last run.');
    for (const f of figures) {
      lines.push(
        `**${f.struct}** from line ${line}: allocated ${f.allocated}, freed ${f.freed}, live ${f.live} (peak ${f.peakLive}), leaked ${f.leakedBlocks} blocks / ${f.leakedBytes} bytes${stopped ? ` ${stopped}` : ''}` +
          (f.stack.length > 1 ? ` — via line ${f.stack[1]!.line}` : ''),
      );
    }
  } else {
    const frees = (report.freeSites ?? []).filter((f) => sameFile(f.site.file, file) && f.site.line === line);
    if (frees.length === 0) lines.push('No free ran on this line in the last run.');
    for (const f of frees)
      lines.push(
        `freed ${f.freed} block${f.freed === 1 ? '' : 's'} here${f.refused > 0 ? `, refused ${f.refused} (double or invalid free)` : ''}`,
      );
  }
  for (const error of report.errors) {
    if (sameFile(error.site.file, file) && error.site.line === line)
      lines.push(`⚠ ${errorWords(error.kind, error.message)} (${error.count}×)`);
  }
  return `**${kind}** — last run\n\n${lines.join('\n\n')}`;
}

export function figuresOn(report: LmmReport, file: string, line: number): ReportSiteFigures[] {
  return report.sites.filter((s) => sameFile(s.site.file, file) && s.site.line === line);
}

function sameFile(a: string, b: string): boolean {
  return a === b || a.replace(/\\/g, '/').toLowerCase() === b.replace(/\\/g, '/').toLowerCase();
}

/** Code lenses over each XCALLOC: allocated / live / leaked from the last run (by the call's line). */
export function codeLenses(document: TextDocument, scan: HarnessScan, report: LmmReport | undefined, file: string): CodeLens[] {
  if (!report) return [];
  const stopped = stoppedCheckWords(report);
  const lenses: CodeLens[] = [];
  const seenLines = new Set<number>();
  for (const call of scan.allocations) {
    const start = document.positionAt(call.calleeSpan.start);
    if (seenLines.has(start.line)) continue;
    seenLines.add(start.line);
    const figures = figuresOn(report, file, start.line + 1);
    let allocated = 0;
    let live = 0;
    let leaked = 0;
    for (const f of figures) {
      allocated += f.allocated;
      live += f.live;
      leaked += f.leakedBlocks;
    }
    lenses.push({
      range: { start, end: document.positionAt(call.calleeSpan.end) },
      command: {
        title:
          figures.length === 0
            ? 'not reached in the last run'
            : `allocated ${allocated} · live ${live} · leaked ${leaked}${stopped ? ` ${stopped}` : ''}`,
        command: 'lmm.showMemoryMap',
        arguments: [],
      },
    });
  }
  return lenses;
}

/** Struct names for the struct argument of XCALLOC(units, |) and MM_REG_STRUCT(|). */
export function completionAt(document: TextDocument, scan: HarnessScan, position: Position): CompletionItem[] {
  const text = document.getText();
  const offset = document.offsetAt(position);
  const before = text.slice(Math.max(0, offset - 200), offset);
  const inRegister = /\bMM_REG_STRUCT\s*\(\s*[A-Za-z0-9_$]*$/.test(before);
  const inAlloc = /\bXCALLOC\s*\([^(),]*,\s*[A-Za-z0-9_$]*$/.test(before);
  if (!inRegister && !inAlloc) return [];
  const registered = new Set(scan.registrations.map((r) => r.struct));
  return scan.structs.map((s, i) => {
    const item: CompletionItem = {
      label: s.name,
      kind: CompletionItemKind.Struct,
      detail: s.layout ? `struct ${s.name}: ${s.layout.size} bytes` : `struct ${s.name}`,
      // Offer what is still missing first: unregistered structs for MM_REG_STRUCT, registered ones for XCALLOC.
      sortText: `${(inRegister ? !registered.has(s.name) : registered.has(s.name)) ? 0 : 1}${String(i).padStart(4, '0')}`,
    };
    return item;
  });
}

/**
 * Suppress, on a leak or memory error a run reported (in any file the run's stacks reach): adds an
 * entry for exactly that finding to the harness's `.lmmsupp`, through the extension's command.
 */
export function suppressActions(diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const args = suppressFindingArgsOf((diagnostic.data as { suppress?: unknown } | undefined)?.suppress);
    if (!args) continue;
    const what = args.struct !== undefined ? `this ${args.struct} ${args.kind}` : `this ${args.kind}`;
    actions.push({
      title: `Suppress ${what} (add an entry to the harness's .lmmsupp)`,
      kind: 'quickfix',
      diagnostics: [diagnostic],
      command: { title: 'Suppress', command: SUPPRESS_FINDING_COMMAND, arguments: [args] },
    });
  }
  return actions;
}

/** Quick fixes: register a struct that is allocated unregistered; reorder fields as a padding hint proposes; suppress a run's finding. */
export function codeActions(document: TextDocument, scan: HarnessScan, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = suppressActions(diagnostics);
  const uri = document.uri;
  const text = document.getText();
  for (const diagnostic of diagnostics) {
    const struct =
      (diagnostic.data as { struct?: string } | undefined)?.struct ??
      /^(\w+)/.exec(typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value)?.[1];
    if (diagnostic.code === DIAGNOSTIC_CODES.unregisteredStruct && struct) {
      const edit = registrationEdit(document, scan, struct);
      if (edit) {
        actions.push({
          title: `Add MM_REG_STRUCT(${struct}) to main`,
          kind: 'quickfix',
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: { changes: { [uri]: [edit] } },
        });
      }
    } else if (diagnostic.code === DIAGNOSTIC_CODES.paddingHint && struct) {
      const target = scan.structs.find((s) => s.name === struct);
      const edit = target ? reorderEdit(document, text, target) : undefined;
      if (edit) {
        actions.push({
          title: `Reorder the fields of ${struct} to remove padding`,
          kind: 'quickfix',
          diagnostics: [diagnostic],
          edit: { changes: { [uri]: [edit] } },
        });
      }
    }
  }
  return actions;
}

function registrationEdit(document: TextDocument, scan: HarnessScan, struct: string): TextEdit | undefined {
  const at = scan.lastRegistrationEnd ?? scan.mainInsert;
  if (!at) return undefined;
  const position = document.positionAt(at.offset);
  return { range: { start: position, end: position }, newText: `${at.indent}MM_REG_STRUCT(${struct});\n` };
}

/**
 * Moves whole field declarations (decorators and comments on their lines included) into the
 * order with the least padding; the rest of the class stays as it is.
 */
export function reorderEdit(document: TextDocument, text: string, struct: ScannedStruct): TextEdit | undefined {
  if (!struct.layout || struct.fields.length < 2) return undefined;
  const better = reorderedForPadding(struct.layout);
  if (better.size >= struct.layout.size) return undefined;
  const first = struct.fields[0]!.span.start;
  const last = struct.fields[struct.fields.length - 1]!.span.end;
  const pieces = new Map(struct.fields.map((f) => [f.name, text.slice(f.span.start, f.span.end)]));
  const gaps: string[] = [];
  for (let i = 1; i < struct.fields.length; i++)
    gaps.push(text.slice(struct.fields[i - 1]!.span.end, struct.fields[i]!.span.start));
  let newText = '';
  better.fields.forEach((f, i) => {
    newText += pieces.get(f.name)!;
    if (i < gaps.length) newText += gaps[i];
  });
  return { range: { start: document.positionAt(first), end: document.positionAt(last) }, newText };
}
