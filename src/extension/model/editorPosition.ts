import type { ReportSite } from '../../protocol/runReportSchema';

/**
 * Where the editor puts a site (0-based line and character): a site of line 0, whose line is
 * unknown (`lmm run --no-attribution`, a call the site table does not know), at the file's top,
 * as SARIF puts it on line 1; VS Code refused its line -1, and the file did not open.
 */
export function editorPosition(site: ReportSite): { line: number; character: number } {
  if (site.line < 1) return { line: 0, character: 0 };
  return { line: site.line - 1, character: Math.max(0, site.column - 1) };
}
