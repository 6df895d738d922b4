/**
 * Run diagnostics belong to the run that found them, and a run belongs to its harness (or trace):
 * running harness B, or opening a trace, leaves harness A's findings in place, marked with the
 * time of A's run, until A runs again or is edited. Code lenses and hovers read the report of the
 * document's own harness, so a harness that never ran has none. Free of the LSP connection (unit tested).
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { LmmReport } from '../protocol/runReportSchema';

interface OwnerFindings {
  /** The harness or trace file name, and when its run's results came. */
  label: string;
  at: number;
  /** Diagnostics per file key (a harness's findings may sit in the files it imports). */
  files: Map<string, Diagnostic[]>;
  report: LmmReport | undefined;
}

export class RunFindings {
  private readonly owners = new Map<string, OwnerFindings>();
  /** The owner of the latest results: its findings are shown as they are, the others' marked. */
  private latest: string | undefined;

  /**
   * The findings of `owner`'s latest run (they replace its earlier ones). `report`: 'keep' for a
   * mid-run update, which carries leaks and errors only (lenses and hovers keep the last report).
   * Returns every file whose diagnostics may have changed.
   */
  take(
    owner: string,
    run: { label: string; at: number; files: Map<string, Diagnostic[]>; report: LmmReport | undefined | 'keep' },
  ): Set<string> {
    const before = this.owners.get(owner);
    const touched = this.allFiles();
    this.owners.set(owner, {
      label: run.label,
      at: run.at,
      files: run.files,
      report: run.report === 'keep' ? before?.report : run.report,
    });
    this.latest = owner;
    for (const file of run.files.keys()) touched.add(file);
    return touched;
  }

  /** `owner` was edited: its findings name lines that may have moved, so they go. Returns the files touched. */
  drop(owner: string): Set<string> {
    const findings = this.owners.get(owner);
    if (!findings) return new Set();
    const touched = this.allFiles();
    this.owners.delete(owner);
    if (this.latest === owner) this.latest = undefined;
    return touched;
  }

  /**
   * The report for a file's lenses and hovers: its own harness's last one; for a file a harness
   * imports, the latest report whose figures name it (`sameFile` compares the report's file names
   * with `file`). None for a harness that never ran.
   */
  reportFor(file: string, sameFile: (reportFile: string) => boolean): LmmReport | undefined {
    const own = this.owners.get(file);
    if (own) return own.report;
    const candidates = [...this.owners.entries()].reverse();
    const latest = candidates.findIndex(([owner]) => owner === this.latest);
    if (latest > 0) candidates.unshift(...candidates.splice(latest, 1));
    for (const [, findings] of candidates) {
      if (findings.report?.sites.some((figures) => sameFile(figures.site.file))) return findings.report;
    }
    return undefined;
  }

  /** One file's run diagnostics: every owner's; those not of the latest run say which run they are from. */
  forFile(file: string): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [owner, findings] of this.owners) {
      const list = findings.files.get(file);
      if (!list) continue;
      if (owner === this.latest) out.push(...list);
      else {
        const mark = ` [from the run of ${findings.label} at ${clockTime(findings.at)}]`;
        for (const diagnostic of list)
          out.push(typeof diagnostic.message === 'string' ? { ...diagnostic, message: diagnostic.message + mark } : diagnostic);
      }
    }
    return out;
  }

  /** Files and diagnostics of one owner (what its run published). */
  countOf(owner: string): { files: number; diagnostics: number } {
    const files = this.owners.get(owner)?.files;
    let diagnostics = 0;
    for (const list of files?.values() ?? []) diagnostics += list.length;
    return { files: files?.size ?? 0, diagnostics };
  }

  private allFiles(): Set<string> {
    const files = new Set<string>();
    for (const findings of this.owners.values()) for (const file of findings.files.keys()) files.add(file);
    return files;
  }
}

/** HH:MM:SS in the machine's time zone (what the user's clock shows). */
function clockTime(at: number): string {
  const date = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
