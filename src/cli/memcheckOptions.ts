/**
 * Valgrind memcheck's options that someone comparing `lmm run` with memcheck types first, and
 * what `lmm run` does instead. They stay unknown options (exit 2): a run that silently ignored
 * `--show-leak-kinds=definite` would print records its user asked not to see; the message says
 * what to write.
 */

const REPORTS_EVERYTHING =
  'lmm run always reports as memcheck does with --leak-check=full --show-leak-kinds=all: every kind, each loss record with its stack';
const EXIT_STATUS =
  'to exit 1 when chosen kinds occur, give --fail-on KINDS (e.g. --fail-on definitely-lost,possibly-lost,error)';

const INSTEAD: ReadonlyMap<string, string> = new Map([
  ['--leak-check', REPORTS_EVERYTHING],
  ['--show-leak-kinds', REPORTS_EVERYTHING],
  ['--show-reachable', REPORTS_EVERYTHING],
  ['--leak-resolution', 'lmm run merges loss records by their whole kept stack, as memcheck does with --leak-resolution=high'],
  ['--errors-for-leak-kinds', EXIT_STATUS],
  ['--error-exitcode', EXIT_STATUS],
  ['--num-callers', 'lmm run keeps the 8 innermost frames of a stack'],
  ['--track-origins', 'LMM checks no definedness of values, so it has no origins to track'],
  ['--undef-value-errors', 'LMM checks no definedness of values'],
  ['-q', 'lmm run has no quiet mode; --json prints the report alone on stdout'],
  ['--quiet', 'lmm run has no quiet mode; --json prints the report alone on stdout'],
  ['--xml', 'lmm run writes its report as JSON (--json) or SARIF (--sarif)'],
  ['--gen-suppressions', 'lmm run writes no suppressions; an .lmmsupp file beside the harness or --suppressions FILE gives them'],
]);

/** What `lmm run` does instead of memcheck's option `name` (`--leak-check`, no `=value`), if it is one. */
export function memcheckOptionInstead(name: string): string | undefined {
  return INSTEAD.get(name);
}

/**
 * memcheck's `all` of `--errors-for-leak-kinds=all` in LMM's words. (Its other words, `definite,
 * possible`, are kinds `--fail-on` takes; `all` is not one, since `--fail-on` also takes error kinds.)
 */
export function memcheckLeakKindInstead(word: string): string | undefined {
  return word === 'all' ? 'definitely-lost,indirectly-lost,possibly-lost,still-reachable' : undefined;
}
