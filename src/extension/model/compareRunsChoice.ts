/**
 * What `LMM: Compare Runs` compares, from where it was invoked: a workload file (argument or
 * active editor) means policies side by side on it; otherwise two finished runs. When both are at
 * hand the user chooses; when neither is, the user may pick a workload file. A harness (when
 * `isHarness` recognizes one) is a workload too (its run's operations): as the argument, policies
 * on it; in the active editor (a trace there comes first), policies, or a choice when two
 * finished runs could be compared instead. Generic over the file handle (a vscode.Uri in the
 * extension, a path in tests).
 */
import { isTraceFile } from '../../harness/harnessFiles';

export type CompareRunsChoice<File> =
  { kind: 'policies'; workload: File } | { kind: 'ask'; workload: File } | { kind: 'runs' } | { kind: 'pick-workload' };

export function compareRunsChoice<File>(
  arg: File | undefined,
  active: File | undefined,
  pathOf: (file: File) => string,
  finishedRuns: number,
  isHarness: (file: File) => boolean = () => false,
): CompareRunsChoice<File> {
  if (arg !== undefined && (isTraceFile(pathOf(arg)) || isHarness(arg))) return { kind: 'policies', workload: arg };
  if (active !== undefined && isTraceFile(pathOf(active))) {
    return finishedRuns >= 2 ? { kind: 'ask', workload: active } : { kind: 'policies', workload: active };
  }
  if (active !== undefined && isHarness(active)) {
    return finishedRuns >= 2 ? { kind: 'ask', workload: active } : { kind: 'policies', workload: active };
  }
  return finishedRuns >= 2 ? { kind: 'runs' } : { kind: 'pick-workload' };
}
