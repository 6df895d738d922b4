/**
 * Valgrind memcheck's options as `lmm run` reads them. Its leak-report options (`--leak-check`,
 * `--show-leak-kinds`, `--show-reachable`, `--show-possibly-lost`, `--errors-for-leak-kinds`) are
 * taken with memcheck's values and meaning (`memcheckLeakOption`), and `--leak-resolution=high`
 * and `--leak-check-heuristics=none`, what LMM does always, its `--error-exitcode` (`errorExitCode`), its options that size its own
 * machinery (`--freelist-vol`, `--redzone-size`: taken, changing nothing) and its `-q`
 * (`runCommand.ts`) and its `--num-callers` (`numCallers`), so a ported memcheck test runs with its
 * .vgtest's `vgopts:`.
 * Its other options that someone comparing `lmm run` with memcheck types first stay unknown
 * options (exit 2), with what to write instead: a run that silently ignored one would not be what
 * its user asked for.
 */
import { DEFAULT_LEAK_REPORT_OPTIONS, type LeakCheckDepth, type LeakReportOptions } from '../analysis/leakReportOptions';
import { LEAK_KINDS, leakKindOfShortName, type LeakKind } from '../analysis/leakKinds';
import { MAX_NUM_CALLERS, MIN_NUM_CALLERS } from '../harness/runtime/callPaths';
import { CliError } from './cliIo';
import { listOption } from './optionValues';

const INSTEAD: ReadonlyMap<string, string> = new Map([
  ['--track-origins', 'LMM checks no definedness of values, so it has no origins to track'],
  ['--undef-value-errors', 'LMM checks no definedness of values'],
  // memcheck's XML lists every loss record, --leak-check=summary or no: it sets full (mc_main.c).
  [
    '--xml',
    "lmm run writes its report as JSON (--json) or SARIF (--sarif); memcheck's XML lists the loss records as --leak-check=full does, whatever --leak-check says, so give --leak-check=full with them",
  ],
  ['--gen-suppressions', 'lmm run writes no suppressions; an .lmmsupp file beside the harness or --suppressions FILE gives them'],
  [
    '--keep-stacktraces',
    "lmm run keeps every block's allocation and free stacks and its errors show both, as memcheck's default alloc-and-free: leave it out",
  ],
  ...['-s', '--show-error-list'].map((name): [string, string] => [
    name,
    "memcheck's list of error contexts at exit: lmm run's text report lists each error once with its count, '(N times)', then the ERROR SUMMARY (which -q leaves out); --json has every error: leave it out",
  ]),
  // badfree3's vgopts: memcheck's file names cut after a prefix.
  ['--fullpath-after', "the stacks of lmm run's text name the harness by the path its command line gives: leave it out"],
  ...['--malloc-fill', '--free-fill'].map((name): [string, string] => [
    name,
    'XCALLOC and XCALLOC_BUF give zeroed blocks, as calloc does, and an access to a freed block is a use after free whatever it holds: leave it out',
  ]),
  // valgrind 3.21's option: realloc_size_zero_again's vgtests give it.
  [
    '--realloc-zero-bytes-frees',
    "XREALLOC_BUF(p, 0) frees p and gives null, as glibc's realloc and memcheck's default on Linux (=yes) do: leave it out",
  ],
]);

/** What `lmm run` does instead of memcheck's option `name` (`--error-exitcode`, no `=value`), if it is one. */
export function memcheckOptionInstead(name: string): string | undefined {
  // valgrind's translation of machine code (trivialleak's vgopts give three, to check their spelling).
  if (/^--(vex-|px-)/.test(name)) return "valgrind's translation of machine code, which lmm run does not do: leave it out";
  return INSTEAD.get(name);
}

/**
 * memcheck's `all` of `--errors-for-leak-kinds=all` in LMM's words. (Its other words, `definite,
 * possible`, are kinds `--fail-on` takes; `all` is not one, since `--fail-on` also takes error kinds.)
 */
export function memcheckLeakKindInstead(word: string): string | undefined {
  return word === 'all' ? 'definitely-lost,indirectly-lost,possibly-lost,still-reachable' : undefined;
}

/**
 * memcheck's options that size its own machinery, with their largest values (valgrind 3.19 refuses
 * a value past them, or not digits). LMM takes them, checked as memcheck checks them, and changes
 * nothing: it finds what memcheck finds with the largest free list and redzone. Every access through
 * a freed block's pointer is a use after free however many bytes were freed since (`--freelist-vol`,
 * `--freelist-big-blocks`), and every byte outside a block is out of bounds however far
 * (`--redzone-size`), where memcheck may find the freed block gone from its list ("inside an
 * unallocated block") or the access past its redzone, in the next block (no error).
 */
const MEMCHECK_MACHINERY_OPTIONS: ReadonlyMap<string, number> = new Map([
  ['--freelist-vol', 10_000_000_000],
  ['--freelist-big-blocks', 10_000_000_000],
  ['--redzone-size', 4096],
]);

/** Whether `name` is one of memcheck's options that size its own machinery (taken, changing nothing). */
export function isMemcheckMachineryOption(name: string): boolean {
  return MEMCHECK_MACHINERY_OPTIONS.has(name);
}

/** Checks the value of one of memcheck's machinery options as memcheck does: digits, 0 to its largest. */
export function checkMachineryOption(name: string, value: string): void {
  const largest = MEMCHECK_MACHINERY_OPTIONS.get(name);
  if (largest === undefined) throw new Error(`${name} is not one of memcheck's machinery options`);
  if (!/^\d+$/.test(value) || Number(value) > largest)
    throw new CliError(`lmm run: ${name}: takes a whole number from 0 to ${largest}, not '${value}'`);
}

/**
 * memcheck's `--num-callers=N`: from 1 to 500, as valgrind 3.19 takes it (`010` is 10, an empty
 * value 0), refused in its words ("invalid integer value", "argument must be between 1 and 500").
 * Digits alone, as every numeric option of `lmm`: valgrind also takes a sign and leading blanks.
 */
export function numCallers(value: string): number {
  if (!/^\d*$/.test(value)) throw new CliError(`lmm run: --num-callers: invalid integer value '${value}'`);
  const n = value === '' ? 0 : Number(value);
  if (!(n >= MIN_NUM_CALLERS && n <= MAX_NUM_CALLERS))
    throw new CliError(
      `lmm run: --num-callers: argument must be between ${MIN_NUM_CALLERS} and ${MAX_NUM_CALLERS}, not '${value}'`,
    );
  return n;
}

/**
 * memcheck's `--error-exitcode=N`: the exit status when its ERROR SUMMARY counts an error, or
 * undefined for 0, memcheck's "leave the status alone". memcheck takes any int and exits with it
 * mod 256 (`=256` exits 0 on errors, valgrind 3.19 here): LMM refuses what is not 0 to 255, and 2
 * and 3, the statuses `lmm run` gives a run that could not run or complete and an internal error.
 */
export function errorExitCode(value: string): number | undefined {
  const code = /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isNaN(code) || code > 255)
    throw new CliError(`lmm run: --error-exitcode: takes an exit status from 0 to 255, not '${value}'`);
  if (code === 2 || code === 3)
    throw new CliError(
      `lmm run: --error-exitcode: ${code} is lmm run's own exit status for ${code === 2 ? 'a run that could not run or complete' : 'an internal error'} (choose 1, or 4 to 255)`,
    );
  return code === 0 ? undefined : code;
}

/** memcheck's leak-report options, each given as `--name=VALUE` or `--name VALUE`. */
export const MEMCHECK_LEAK_OPTIONS: ReadonlySet<string> = new Set([
  '--leak-check',
  '--show-leak-kinds',
  '--show-reachable',
  '--show-possibly-lost',
  '--errors-for-leak-kinds',
  '--leak-resolution',
  '--leak-check-heuristics',
]);

const LEAK_CHECK_VALUES: Readonly<Record<string, LeakCheckDepth>> = { no: 'no', summary: 'summary', full: 'full', yes: 'full' };
const KIND_SET_WORDS = 'definite,indirect,possible,reachable (any of them, with commas), all or none';

/**
 * `options` with memcheck's leak-report option `option` (one of MEMCHECK_LEAK_OPTIONS) set to
 * `value`, as memcheck's option parser sets it: later options win, and the old spellings change
 * the one set `--show-leak-kinds` sets (`--show-reachable=yes` is all kinds, `=no` takes
 * reachable out; `--show-possibly-lost` puts possible in or takes it out). A bad value is refused
 * naming the option.
 */
export function memcheckLeakOption(options: LeakReportOptions, option: string, value: string): LeakReportOptions {
  switch (option) {
    case '--leak-check': {
      const depth = Object.hasOwn(LEAK_CHECK_VALUES, value) ? LEAK_CHECK_VALUES[value] : undefined;
      if (!depth) throw new CliError(`lmm run: --leak-check: '${value}' is not one of no, summary, full, yes`);
      return { ...options, leakCheck: depth };
    }
    case '--show-leak-kinds':
      return { ...options, showLeakKinds: kindSet(option, value) };
    case '--errors-for-leak-kinds':
      return { ...options, errorsForLeakKinds: kindSet(option, value) };
    case '--show-reachable':
      return {
        ...options,
        showLeakKinds: yesNo(option, value) ? new Set(LEAK_KINDS) : without(options.showLeakKinds, 'still-reachable'),
      };
    // Most of memcheck's leak tests give --leak-resolution=high, what LMM does always: it is taken, and the others refused.
    case '--leak-resolution':
      if (value === 'high') return options;
      throw new CliError(
        `lmm run: --leak-resolution: '${value}' is not high (lmm run merges loss records by their whole kept stack, as memcheck does with --leak-resolution=high)`,
      );
    // memcheck's way to see what LMM sees: the README's length-prefix and counted-array name it.
    case '--leak-check-heuristics':
      if (value === 'none') return options;
      throw new CliError(
        `lmm run: --leak-check-heuristics: '${value}' is not none (LMM has no heuristics: a block reached only through a pointer into it is possibly lost, as memcheck finds it with --leak-check-heuristics=none)`,
      );
    case '--show-possibly-lost':
      return {
        ...options,
        showLeakKinds: yesNo(option, value)
          ? new Set([...options.showLeakKinds, 'possibly-lost'])
          : without(options.showLeakKinds, 'possibly-lost'),
      };
    default:
      throw new Error(`${option} is not one of memcheck's leak-report options`);
  }
}

/** LMM's defaults, before any of memcheck's leak-report options is read. */
export function defaultLeakReportOptions(): LeakReportOptions {
  return { ...DEFAULT_LEAK_REPORT_OPTIONS };
}

function without(kinds: ReadonlySet<LeakKind>, kind: LeakKind): Set<LeakKind> {
  const left = new Set(kinds);
  left.delete(kind);
  return left;
}

/** memcheck's booleans are `yes` and `no` alone (it refuses `true`, `1`). */
function yesNo(option: string, value: string): boolean {
  if (value === 'yes' || value === 'no') return value === 'yes';
  throw new CliError(`lmm run: ${option}: '${value}' is not yes or no`);
}

/**
 * memcheck's set of leak kinds: its words with commas, or `all` or `none` alone. memcheck takes a
 * trailing comma (`definite,`); LMM refuses it, as it refuses an empty element in every list.
 */
function kindSet(option: string, value: string): Set<LeakKind> {
  const words = listOption('run', option, value, `leak kind (${KIND_SET_WORDS})`, 'definite,possible');
  if (words.includes('all') || words.includes('none')) {
    if (words.length > 1)
      throw new CliError(`lmm run: ${option}: '${value}': all and none stand alone (write ${KIND_SET_WORDS})`);
    return words[0] === 'all' ? new Set(LEAK_KINDS) : new Set();
  }
  const kinds = new Set<LeakKind>();
  for (const word of words) {
    const kind = leakKindOfShortName(word);
    if (!kind) throw new CliError(`lmm run: ${option}: unknown leak kind '${word}' (write ${KIND_SET_WORDS})`);
    kinds.add(kind);
  }
  return kinds;
}
