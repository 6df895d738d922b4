/**
 * The elements of a comma-separated option value (`--policies a,b`, `--reservoir 1,8`,
 * `--fail-on definitely-lost,error`), each as written. A list that names nothing (`''`, `,,`: an
 * unset shell variable) is refused, and so is one with an empty element (`1,`, `a,,b`) or an
 * element with spaces around it (`a, b`): each is a typing mistake, which a run should not
 * silently read as a shorter list.
 */
import { CliError } from './cliIo';

export function listOption(command: string, option: string, value: string, element: string, example: string): string[] {
  const elements = value.split(',');
  if (elements.every((e) => e.trim() === '')) throw new CliError(`lmm ${command}: ${option}: names no ${element}`);
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (elements.some((e) => e === ''))
    throw new CliError(`lmm ${command}: ${option}: ${shown} has an empty element (write ${example}: no empty element)`);
  if (elements.some((e) => e.trim() !== e))
    throw new CliError(`lmm ${command}: ${option}: ${shown} has spaces around an element (write ${example}: no spaces)`);
  return elements;
}

/**
 * Refuses a single-valued option given a second time (`-o a -o b`, `--page-size 1 --page-size=2`):
 * keeping the last silently hid a typing mistake or a value a script meant to override. Options
 * that gather (import-c's -I and -D, as gcc's) and flags (which ask the same thing twice) do not
 * come here.
 */
export function refuseSecond(command: string, option: string, first: string | undefined, second: string): void {
  if (first === undefined) return;
  const shown = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  throw new CliError(`lmm ${command}: ${option}: given twice (${shown(first)}, then ${shown(second)}): give it once`);
}
