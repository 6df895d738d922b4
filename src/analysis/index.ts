/** The analyses, for the harness runtime, the CLI and the extension. */
export type {
  AllocationRecord,
  FieldLayout,
  MemoryErrorKind,
  MemoryErrorRecord,
  RootRecord,
  RunData,
  Site,
  StructLayout,
} from './analysisInput';
export { checkLeaks, applyLeakSuppressions } from './leakCheck';
export type { LeakCheckResult, LossRecord, LeakSummary, RootPathStep, BlocksAndBytes, SuppressionUse } from './leakCheck';
export { LEAK_KINDS, type LeakKind } from './leakKinds';
export { parseSuppressions, SuppressionSyntaxError, suppressionText, MEMORY_ERROR_KINDS, type Suppression } from './suppressions';
export { buildRunReport, failingKinds, parseFailOn } from './runReport';
export type { RunReport, RunReportOptions, LeakCheckInput, ErrorReport, FailOnKind } from './runReport';
export { formatTextReport } from './textReport';
export { toSarif, type SarifLog } from './sarif';
export { computeHints, type Hint } from './hints';
export { pageFit } from './pageFit';
export { layOutStruct, reorderedForPadding } from './cLayout';
