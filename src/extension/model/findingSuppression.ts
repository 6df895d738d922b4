/**
 * What Suppress on a Memory Map row silences: the webview names a finding by its place in the run
 * report's `leaks` or `errors`, and the entry is built here from the host's own report and run, so
 * the file written and every frame in it come from the run, never from the webview.
 */
import type { SuppressFindingArgs } from '../../protocol/lspMessages';
import type { FindingKind } from '../../protocol/webviewMessages';
import type { RunState } from './runState';

/** Why a Memory Map row's Suppress was refused, or the finding it names. */
export type FindingToSuppress = { ok: true; args: SuppressFindingArgs } | { ok: false; reason: string };

export function findingToSuppress(run: RunState | undefined, finding: FindingKind, index: number): FindingToSuppress {
  if (!run) return { ok: false, reason: 'no run is shown' };
  // A trace reads no suppressions file: there is nothing to write its findings to.
  if (run.kind !== 'harness') return { ok: false, reason: 'a trace’s findings cannot be suppressed' };
  const report = run.report;
  if (!report) return { ok: false, reason: 'the run has no report yet' };
  const list = finding === 'leak' ? report.leaks : report.errors;
  const entry = list[index];
  if (!entry) return { ok: false, reason: `the report has no ${finding} number ${index}` };
  if (entry.suppressed === true) return { ok: false, reason: `that ${finding} is already suppressed` };
  if (entry.stack.length === 0) return { ok: false, reason: `that ${finding} has no call stack to name` };
  const args: SuppressFindingArgs = { harnessFile: run.file, kind: entry.kind, stack: entry.stack };
  if (finding === 'leak' && 'struct' in entry) args.struct = entry.struct;
  return { ok: true, args };
}
