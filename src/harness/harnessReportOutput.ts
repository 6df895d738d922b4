/** What `lmm run` prints from a finished run: the analyses' text, JSON or SARIF report. */
import { toSarif } from '../analysis/sarif';
import { formatTextReport } from '../analysis/textReport';
import type { FinishedRun } from './sandbox/finishRun';

declare const LMM_VERSION: string;

export function harnessReportOutput(run: FinishedRun, format: 'text' | 'json' | 'sarif'): string {
  if (format === 'json') return JSON.stringify(run.report, null, 2) + '\n';
  if (format === 'sarif')
    return JSON.stringify(toSarif(run.report, typeof LMM_VERSION === 'string' ? LMM_VERSION : 'dev'), null, 2) + '\n';
  return formatTextReport(run.report, run.classicText);
}
