/**
 * The LMM language server: its own Node process (never imports vscode). Static checks,
 * struct-layout hovers, completion of struct names, and the extension's run results as
 * diagnostics, code lenses, hovers and quick fixes. See `src/protocol/lspMessages.ts` for who
 * publishes what.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isHarnessFile } from '../harness/harnessFiles';
import type { LmmReport, ReportSite } from '../protocol/runReportSchema';
import {
  RUN_RESULTS,
  SETTINGS,
  STRUCTS,
  type LmmNotification,
  type LmmRequest,
  type LmmServerSettings,
  type RunResultsParams,
  type RunResultsResult,
  type StructSummary,
  type StructsParams,
} from '../protocol/lspMessages';
import { paddingBytes } from '../analysis/cLayout';
import { codeActions, codeLenses, completionAt, hoverAt, suppressActions } from './editorFeatures';
import { scanHarnessSafely, type HarnessScan, type UnreadableHarness } from './harnessScan';
import { failureSiteOf, runDiagnostics } from './runDiagnostics';
import { RunFindings } from './runFindings';
import { pageSizeFor, serverSettingsFrom, DEFAULT_SERVER_SETTINGS } from './serverSettings';
import { staticDiagnostics } from './staticChecks';

const connection = createConnection(ProposedFeatures.all);
// The server must outlive any input: a failure no handler caught is logged, not fatal (a file
// it cannot analyse already gets its own diagnostic; this is for what nobody foresaw).
process.on('uncaughtException', (error) => {
  connection.console.error(`LMM language server: ${error instanceof Error ? error.message : 'an unexpected error'}`);
});
const documents = new TextDocuments(TextDocument);
let settings: LmmServerSettings = DEFAULT_SERVER_SETTINGS;
/** Run diagnostics per harness and file, merged with static ones when published; the reports for lenses and hovers. */
const runFindings = new RunFindings();
/** The version each open document had when opened: a later one means the user edited it. */
const openedVersions = new Map<string, number>();
const scans = new Map<string, { version: number; scan: HarnessScan; unreadable?: UnreadableHarness }>();
const pendingChecks = new Map<string, NodeJS.Timeout>();

/** Handles one of LMM's requests: params and result typed by its descriptor. */
function onLmmRequest<Params, Result>(type: LmmRequest<Params, Result>, handler: (params: Params) => Result): void {
  connection.onRequest(type.method, (params: Params) => handler(params) as unknown);
}

/**
 * Handles one of LMM's notifications. Its params arrive as the client sent them; the handler
 * takes them as `unknown` when it checks them itself.
 */
function onLmmNotification<Params>(type: LmmNotification<Params>, handler: (params: Params | unknown) => void): void {
  connection.onNotification(type.method, handler);
}

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function keyOf(path: string): string {
  return process.platform === 'win32' ? path.replace(/\//g, '\\').toLowerCase() : path;
}

function openDocumentOf(path: string): TextDocument | undefined {
  const key = keyOf(path);
  return documents.all().find((d) => {
    const p = pathOf(d.uri);
    return p !== undefined && keyOf(p) === key;
  });
}

function isHarness(document: TextDocument): boolean {
  return isHarnessFile(pathOf(document.uri) ?? document.uri, document.getText());
}

function scanOf(document: TextDocument): HarnessScan {
  return scanEntryOf(document).scan;
}

/** The document's scan (empty, with why, for a file the server cannot analyse: it never throws). */
function scanEntryOf(document: TextDocument): { scan: HarnessScan; unreadable?: UnreadableHarness } {
  const known = scans.get(document.uri);
  if (known && known.version === document.version) return known;
  const entry = { version: document.version, ...scanHarnessSafely(document.getText(), pathOf(document.uri) ?? 'harness.ts') };
  scans.set(document.uri, entry);
  return entry;
}

/** The one diagnostic of a file the server could not analyse. */
function unreadableDiagnostic(unreadable: UnreadableHarness): Diagnostic {
  const position = { line: unreadable.line - 1, character: unreadable.column - 1 };
  return { range: { start: position, end: position }, severity: 2, source: 'LMM', message: unreadable.message };
}

function publish(uri: string): void {
  const document = documents.get(uri);
  const path = pathOf(uri);
  const diagnostics: Diagnostic[] = [];
  if (document && isHarness(document)) {
    const entry = scanEntryOf(document);
    if (entry.unreadable) diagnostics.push(unreadableDiagnostic(entry.unreadable));
    else {
      try {
        diagnostics.push(...staticDiagnostics(document, entry.scan, pageSizeFor(settings, document.uri)));
      } catch (error) {
        const why = error instanceof Error ? error.message : 'an unexpected error';
        diagnostics.push(unreadableDiagnostic({ message: `LMM cannot check this file (${why})`, line: 1, column: 1 }));
      }
    }
  }
  if (path) diagnostics.push(...runFindings.forFile(keyOf(path)));
  void connection.sendDiagnostics({ uri, diagnostics });
}

function scheduleCheck(document: TextDocument): void {
  const uri = document.uri;
  clearTimeout(pendingChecks.get(uri));
  pendingChecks.set(
    uri,
    setTimeout(() => {
      pendingChecks.delete(uri);
      if (documents.get(uri)) publish(uri);
    }, 150),
  );
}

connection.onInitialize((params) => {
  settings = serverSettingsFrom(params.initializationOptions, settings);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['(', ',', ' '] },
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'LMM language server' },
  };
});

documents.onDidOpen((e) => {
  openedVersions.set(e.document.uri, e.document.version);
  scheduleCheck(e.document);
});
documents.onDidChangeContent((e) => {
  // An edited harness's run findings name lines that may have moved: they go until it runs again.
  const path = pathOf(e.document.uri);
  if (path && e.document.version !== openedVersions.get(e.document.uri)) {
    for (const key of runFindings.drop(keyOf(path))) {
      if (key !== keyOf(path)) publish(openDocumentOf(key)?.uri ?? pathToFileURL(key).href);
    }
  }
  scheduleCheck(e.document);
});
documents.onDidClose((e) => {
  scans.delete(e.document.uri);
  openedVersions.delete(e.document.uri);
  // Keep run findings of a closed file visible in the Problems panel; drop its static ones.
  const path = pathOf(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: path ? runFindings.forFile(keyOf(path)) : [] });
});

onLmmNotification(SETTINGS, (params: unknown) => {
  settings = serverSettingsFrom(params, settings);
  for (const document of documents.all()) publish(document.uri);
});

onLmmRequest(RUN_RESULTS, (params: RunResultsParams): RunResultsResult => {
  if (params.status === 'failed' && params.message && !params.failureSite) {
    const site = failureSiteOf(params.message, params.harnessFile);
    if (site) params.failureSite = site;
  }
  const texts = new Map<string, string | undefined>();
  const files = new Map<string, Diagnostic[]>();
  for (const [file, list] of runDiagnostics(params, {
    text(file) {
      if (!texts.has(file)) {
        const open = openDocumentOf(file);
        let text: string | undefined = open?.getText();
        if (text === undefined) {
          try {
            text = readFileSync(file, 'utf8');
          } catch {
            text = undefined;
          }
        }
        texts.set(file, text);
      }
      return texts.get(file);
    },
    uri: (file) => openDocumentOf(file)?.uri ?? pathToFileURL(file).href,
    structSite: (name, file) => structSite(name, file),
  })) {
    files.set(keyOf(file), list);
  }
  const owner = keyOf(params.harnessFile ?? '(unknown run)');
  const touched = runFindings.take(owner, {
    label: basename(params.harnessFile ?? 'the last run'),
    at: params.finishedAt ?? Date.now(),
    files,
    // A mid-run leak check or errors carry only leaks and errors: hovers and code lenses keep the last report.
    report: params.leakCheck === undefined && params.memoryErrors === undefined ? (params.report ?? undefined) : 'keep',
  });
  for (const key of touched) publish(openDocumentOf(key)?.uri ?? pathToFileURL(key).href);
  connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  return runFindings.countOf(owner);
});

/** The report a document's lenses and hovers read: its own harness's last run (none if it never ran). */
function reportFor(document: TextDocument): LmmReport | undefined {
  const path = pathOf(document.uri);
  if (!path) return undefined;
  return runFindings.reportFor(keyOf(path), (reportFile) => keyOf(reportFile) === keyOf(path));
}

function structSite(name: string, file: string | undefined): ReportSite | undefined {
  const candidates: TextDocument[] = [];
  const preferred = file ? openDocumentOf(file) : undefined;
  if (preferred) candidates.push(preferred);
  candidates.push(...documents.all().filter((d) => d !== preferred && isHarness(d)));
  for (const document of candidates) {
    const struct = scanOf(document).structs.find((s) => s.name === name);
    const path = pathOf(document.uri);
    if (struct && path) {
      const at = document.positionAt(struct.nameSpan.start);
      return { file: path, line: at.line + 1, column: at.character + 1 };
    }
  }
  if (file && !preferred) {
    try {
      const text = readFileSync(file, 'utf8');
      const struct = scanHarnessSafely(text, file).scan.structs.find((s) => s.name === name);
      if (struct) {
        const document = TextDocument.create(pathToFileURL(file).href, 'typescript', 0, text);
        const at = document.positionAt(struct.nameSpan.start);
        return { file, line: at.line + 1, column: at.character + 1 };
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}

onLmmRequest(STRUCTS, (params: StructsParams): StructSummary[] => {
  const document = documents.get(params.uri);
  if (!document) return [];
  return scanOf(document).structs.map((s) => {
    const summary: StructSummary = { name: s.name, line: document.positionAt(s.nameSpan.start).line + 1 };
    if (s.layout) {
      summary.size = s.layout.size;
      summary.align = s.layout.align;
      summary.padding = paddingBytes(s.layout);
    }
    return summary;
  });
});

connection.onHover((params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isHarness(document)) return null;
  return hoverAt(
    document,
    scanOf(document),
    params.position,
    reportFor(document),
    pathOf(document.uri) ?? document.uri,
    pageSizeFor(settings, document.uri),
  );
});

connection.onCompletion((params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isHarness(document)) return [];
  return completionAt(document, scanOf(document), params.position);
});

connection.onCodeLens((params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isHarness(document)) return [];
  return codeLenses(document, scanOf(document), reportFor(document), pathOf(document.uri) ?? document.uri);
});

connection.onCodeAction((params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  // A run's findings also sit in files a harness imports: those get Suppress, nothing else.
  if (!isHarness(document)) return suppressActions(params.context.diagnostics);
  return codeActions(document, scanOf(document), params.context.diagnostics);
});

documents.listen(connection);
connection.listen();
