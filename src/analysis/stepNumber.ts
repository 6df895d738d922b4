/**
 * One step numbering for every text a user reads (CLI reports, editor diagnostics, trees, the
 * status bar, the Memory Map): step N is the state after the run's Nth heap operation, counted
 * from 1, so the last step of a run of N operations is step N. Reports in JSON keep `event`, the
 * operation's 0-based index in the operation log: step = event + 1.
 */
export function stepNumber(event: number): number {
  return event + 1;
}
