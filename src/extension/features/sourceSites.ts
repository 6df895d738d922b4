/**
 * Harness lines in the editor: open an allocating line (tree rows, blocks picked in the Memory
 * Map) and highlight the line of the timeline's current step.
 */
import * as vscode from 'vscode';
import type { ReportSite } from '../../protocol/runReportSchema';
import { editorPosition } from '../model/editorPosition';

export interface SourceSites {
  /** Opens `site` in the first editor column (keeping the focus where it is when asked). */
  open(site: ReportSite, preserveFocus?: boolean): Promise<void>;
  /** Highlights `site`'s line in its editor (opening it if needed); undefined clears the highlight. */
  highlight(site: ReportSite | undefined): Promise<void>;
}

export function createSourceSites(context: vscode.ExtensionContext, log: vscode.OutputChannel): SourceSites {
  const stepHighlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  context.subscriptions.push(stepHighlight);

  const highlight = async (site: ReportSite | undefined) => {
    for (const editor of vscode.window.visibleTextEditors) editor.setDecorations(stepHighlight, []);
    if (!site) return;
    const uri = vscode.Uri.file(site.file);
    let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri.fsPath);
    if (!editor) {
      try {
        editor = await vscode.window.showTextDocument(uri, {
          viewColumn: vscode.ViewColumn.One,
          preserveFocus: true,
          preview: true,
        });
      } catch {
        return;
      }
    }
    const line = Math.min(editorPosition(site).line, editor.document.lineCount - 1);
    const range = new vscode.Range(line, 0, line, 0);
    editor.setDecorations(stepHighlight, [range]);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };

  const open = async (site: ReportSite, preserveFocus = false) => {
    try {
      const { line, character } = editorPosition(site);
      const position = new vscode.Position(line, character);
      await vscode.window.showTextDocument(vscode.Uri.file(site.file), {
        selection: new vscode.Range(position, position),
        preserveFocus,
        viewColumn: vscode.ViewColumn.One,
      });
    } catch (error) {
      log.appendLine(`Cannot open ${site.file}:${site.line}: ${(error as Error).message}`);
    }
  };

  return { open, highlight };
}
