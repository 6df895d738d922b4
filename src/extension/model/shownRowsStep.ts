/**
 * The step a tree's rows are of, for its header. A live run's rows are redrawn at most once a
 * second (and wait while a check's rows are drawn, or while the person types), so the rows on
 * screen may be of an earlier step than the run's: the header names the step of the rows shown,
 * never a newer one. Rows that read the same at the newer step (a steady loop, whose figures do not
 * change) are the rows of that step too, so the header moves with the run as long as they do.
 * Free of vscode (unit tested).
 */
export class ShownRowsStep {
  private shownDigest: string | undefined;
  private shownRunId: number | undefined;
  /** When `step` last moved (by `now`). */
  private movedAt = -Infinity;
  /** The step the rows on screen are of (undefined: no rows drawn yet). */
  step: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** How long the header's step has stood still: how long rows that changed have waited to be drawn. */
  get unchangedForMs(): number {
    return this.now() - this.movedAt;
  }

  /**
   * The rows of run `runId` at `step` read `digest` (undefined: too many to compare, never equal);
   * `drawn`: they are drawn now, else the rows drawn before stay on screen.
   */
  refreshed(runId: number | undefined, step: number, digest: string | undefined, drawn: boolean): void {
    const same = digest !== undefined && digest === this.shownDigest && runId === this.shownRunId;
    if (drawn) {
      this.shownDigest = digest;
      this.shownRunId = runId;
    }
    if ((drawn || same) && step !== this.step) {
      this.step = step;
      this.movedAt = this.now();
    }
  }
}
