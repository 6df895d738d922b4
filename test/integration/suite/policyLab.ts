// Helpers for the policy-lab tests: the CLI as an independent oracle for a workload's figures,
// the Markdown tables Compare Runs and Open Trace return, and the LMM output channel's text.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ReplayReport } from '../../../src/policies/workloadRunner';

// Bundled into out/integration/: the project is two folders up.
export const projectRoot = path.resolve(__dirname, '../..');
/** A real malloc-lab trace (5,694 operations, requests above a page that lmm-classic rejects). */
export const mallocLabTrace = vscode.Uri.file(path.join(projectRoot, 'test/fixtures/malloc-lab/amptjp-bal.rep'));
/** The seed program's LMM trace (120 student_t and emp_t, all freed). */
export const seedTrace = vscode.Uri.file(path.join(projectRoot, 'examples/seed-testapp.trace'));

/** One policy's figures as `lmm compare --json` prints them (the CLI's own report type). */
export type CliPolicyFigures = ReplayReport;

/** `lmm compare FILE --policies … --json` run by the CLI (bin/lmm.js) in a process of its own. */
export function cliCompare(file: vscode.Uri, policies: string[]): CliPolicyFigures[] {
  const result = spawnSync(
    process.execPath,
    [path.join(projectRoot, 'bin/lmm.js'), 'compare', file.fsPath, '--policies', policies.join(','), '--json'],
    // The extension host may be Electron: run its binary as plain Node.
    { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
  );
  if (result.status !== 0) throw new Error(`lmm compare exited ${result.status}: ${result.stderr}${result.error ?? ''}`);
  return JSON.parse(result.stdout) as CliPolicyFigures[];
}

export interface MarkdownTable {
  /** The `# …` heading above the table. */
  heading: string;
  /** The column heads after the (empty) row-label column. */
  columns: string[];
  /** Row label → its cells, one per column. */
  rows: Map<string, string[]>;
}

/** Reads the one table of a Markdown text (cells may hold escaped pipes). */
export function markdownTable(markdown: string): MarkdownTable {
  const lines = markdown.split('\n');
  const heading = lines.find((line) => line.startsWith('# ')) ?? '';
  const tableLines = lines.filter((line) => line.startsWith('|'));
  const cells = (line: string) =>
    line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, '|'));
  if (tableLines.length < 3) throw new Error(`no Markdown table in:\n${markdown}`);
  const columns = cells(tableLines[0]!).slice(1);
  const rows = new Map<string, string[]>();
  for (const line of tableLines.slice(2)) {
    const [label, ...rest] = cells(line);
    rows.set(label!, rest);
  }
  return { heading, columns, rows };
}

/** The row of that label, or a failure listing the labels there are. */
export function row(table: MarkdownTable, label: string): string[] {
  const found = table.rows.get(label);
  if (!found) throw new Error(`no row '${label}' in the table; rows: ${[...table.rows.keys()].join(' / ')}`);
  return found;
}

/** "54.6%" → 54.6 */
export function percentValue(cell: string): number {
  const match = /^(\d+(?:\.\d+)?)%$/.exec(cell);
  if (!match) throw new Error(`not a percentage: '${cell}'`);
  return Number(match[1]);
}

/** "1,234" → 1234 (counts as the views format them). */
export function countValue(cell: string): number {
  const value = Number(cell.replace(/,/g, ''));
  if (!Number.isFinite(value)) throw new Error(`not a count: '${cell}'`);
  return value;
}

/**
 * What LMM Studio wrote to its 'LMM' output channel so far. VS Code keeps each extension output
 * channel in a file `output_logging_*\/N-LMM.log` under the extension host's logs folder; the
 * code-server runner puts the logs beside the workspace (VSCODE_LOGS names them elsewhere).
 */
export function lmmOutputText(): string | undefined {
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const roots = [process.env.VSCODE_LOGS, workspace && path.join(path.dirname(workspace), 'logs')].filter(
    (root): root is string => typeof root === 'string' && existsSync(root),
  );
  const found: string[] = [];
  const visit = (folder: string, depth: number) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && depth < 5) visit(full, depth + 1);
      else if (entry.isFile() && /^\d+-LMM\.log$/.test(entry.name) && path.basename(folder).startsWith('output_logging_'))
        found.push(full);
    }
  };
  for (const root of roots) visit(root, 0);
  return found.length === 0 ? undefined : found.map((file) => readFileSync(file, 'utf8')).join('\n');
}

/** The open webview tab whose view type ends with `viewType` and whose title is `label`. */
export function webviewTab(viewType: string, label: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.label === label && tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(viewType));
}
