/**
 * The LMM language server: its own Node process (never imports vscode). Static checks,
 * struct-layout hovers, completion of struct names, and the extension's run results as
 * diagnostics, code lenses, hovers and quick fixes. See `src/protocol/lspMessages.ts` for who
 * publishes what.
 */
import { readFileSync } from 'node:fs';
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
import type { LmmReport, ReportSite } from '../extension/model/runReport';
import {
  RUN_RESULTS_METHOD,
  SETTINGS_METHOD,
  STRUCTS_METHOD,
  type LmmServerSettings,
  type RunResultsParams,
  type RunResultsResult,
  type StructSummary,
  type StructsParams,
} from '../protocol/lspMessages';
import { paddingBytes } from '../analysis/cLayout';
import { codeActions, codeLenses, completionAt, hoverAt } from './editorFeatures';
import { scanHarness, type HarnessScan } from './harnessScan';
import { failureSiteOf, runDiagnostics } from './runDiagnostics';
import { pageSizeFor, serverSettingsFrom, DEFAULT_SERVER_SETTINGS } from './serverSettings';
import { staticDiagnostics } from './staticChecks';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let settings: LmmServerSettings = DEFAULT_SERVER_SETTINGS;
let report: LmmReport | undefined;
/** Run diagnostics per file path, merged with static ones when published. */
let runFindings = new Map<string, Diagnostic[]>();
const scans = new Map<string, { version: number; scan: HarnessScan }>();
const pendingChecks = new Map<string, NodeJS.Timeout>();

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
  const known = scans.get(document.uri);
  if (known && known.version === document.version) return known.scan;
  const scan = scanHarness(document.getText(), pathOf(document.uri) ?? 'harness.ts');
  scans.set(document.uri, { version: document.version, scan });
  return scan;
}

function publish(uri: string): void {
  const document = documents.get(uri);
  const path = pathOf(uri);
  const diagnostics: Diagnostic[] = [];
  if (document && isHarness(document))
    diagnostics.push(...staticDiagnostics(document, scanOf(document), pageSizeFor(settings, document.uri)));
  if (path) diagnostics.push(...(runFindings.get(keyOf(path)) ?? []));
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

documents.onDidOpen((e) => scheduleCheck(e.document));
documents.onDidChangeContent((e) => scheduleCheck(e.document));
documents.onDidClose((e) => {
  scans.delete(e.document.uri);
  // Keep run findings of a closed file visible in the Problems panel; drop its static ones.
  const path = pathOf(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: path ? (runFindings.get(keyOf(path)) ?? []) : [] });
});

connection.onNotification(SETTINGS_METHOD, (params: unknown) => {
  settings = serverSettingsFrom(params, settings);
  for (const document of documents.all()) publish(document.uri);
});

connection.onRequest(RUN_RESULTS_METHOD, (params: RunResultsParams): RunResultsResult => {
  // A mid-run leak check or errors carry only leaks and errors: hovers and code lenses keep the last report.
  if (params.leakCheck === undefined && params.memoryErrors === undefined) report = params.report ?? undefined;
  if (params.status === 'failed' && params.message && !params.failureSite) {
    const site = failureSiteOf(params.message, params.harnessFile);
    if (site) params.failureSite = site;
  }
  const before = runFindings;
  const texts = new Map<string, string | undefined>();
  runFindings = new Map();
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
    runFindings.set(keyOf(file), list);
  }
  let diagnostics = 0;
  const touched = new Set<string>([...before.keys(), ...runFindings.keys()]);
  for (const key of touched) {
    diagnostics += runFindings.get(key)?.length ?? 0;
    publish(openDocumentOf(key)?.uri ?? pathToFileURL(key).href);
  }
  connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  return { files: runFindings.size, diagnostics };
});

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
      const struct = scanHarness(text, file).structs.find((s) => s.name === name);
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

connection.onRequest(STRUCTS_METHOD, (params: StructsParams): StructSummary[] => {
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
    report,
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
  return codeLenses(document, scanOf(document), report, pathOf(document.uri) ?? document.uri);
});

connection.onCodeAction((params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isHarness(document)) return [];
  return codeActions(document, scanOf(document), params.context.diagnostics);
});

documents.listen(connection);
connection.listen();
