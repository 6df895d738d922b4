/**
 * The ids that package.json's `contributes` and the extension's code share, spelled once:
 * commands, tree views and the context keys that `when` clauses test. A unit test reads
 * package.json and checks it against these tables, so a renamed id fails a test instead of
 * leaving a menu entry that does nothing. No vscode import: the tests load this module in Node.
 */
import { SUPPRESS_FINDING_COMMAND } from '../protocol/lspMessages';

/** Commands in the Command Palette (declared in package.json `contributes.commands`). */
export const PALETTE_COMMANDS = {
  runHarness: 'lmm.runHarness',
  stopRun: 'lmm.stopRun',
  showMemoryMap: 'lmm.showMemoryMap',
  newHarness: 'lmm.newHarness',
  checkLeaksNow: 'lmm.checkLeaksNow',
  openTrace: 'lmm.openTrace',
  exportReport: 'lmm.exportReport',
  compareRuns: 'lmm.compareRuns',
} as const;

/**
 * Commands registered but not declared: tree rows and the policy status bar item invoke them
 * with arguments, and the palette lists LMM's own commands only.
 */
export const INTERNAL_COMMANDS = {
  /** A tree row: open its allocating line, and show its block in the Memory Map. */
  revealNode: 'lmm.revealNode',
  /** The policy status bar item: pick `lmm.policy` (or set the policy given as argument). */
  choosePolicy: 'lmm.choosePolicy',
} as const;

/**
 * Commands declared (a menu entry needs the declaration's title and icon) but hidden from the
 * palette: they act on a row or a problem and mean nothing without one.
 */
export const MENU_COMMANDS = {
  /** A leak row's Suppress, and the Problems panel's quick fix on a leak or memory error. */
  suppressFinding: SUPPRESS_FINDING_COMMAND,
} as const;

export const COMMANDS = { ...PALETTE_COMMANDS, ...INTERNAL_COMMANDS, ...MENU_COMMANDS } as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The four trees in the LMM side bar (package.json `contributes.views.lmm`, in this order). */
export const TREE_VIEWS = {
  pageFamilies: 'lmm.pageFamilies',
  structUsage: 'lmm.structUsage',
  leaks: 'lmm.leaks',
  freeLists: 'lmm.freeLists',
} as const;

export type TreeViewName = keyof typeof TREE_VIEWS;

/** Context keys the extension sets and package.json's `when` clauses read. */
export const CONTEXT_KEYS = {
  running: 'lmm.running',
  hasRun: 'lmm.hasRun',
  hasLeaks: 'lmm.hasLeaks',
  isHarnessFile: 'lmm.isHarnessFile',
} as const;

export type ContextKey = (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS];
