/**
 * The message of a run stopped by request: a stop ends the run in the views at once, leaving out
 * the heap operations still on their way from the worker, so the message says after which step
 * the views stop and how many later operations they never took in. Free of vscode (unit tested).
 */
import { formatCount } from './reportFigures';

/** `message`: the worker's own last words, if any; `steps`: the operations the views took in. */
export function stoppedRunMessage(message: string | undefined, steps: number, leftOut: number): string {
  const said = message ?? 'stopped by request';
  if (leftOut <= 0) return said;
  return `${said}; the views show the heap after step ${formatCount(steps)} (${formatCount(leftOut)} later operations were still on their way when the run stopped)`;
}
