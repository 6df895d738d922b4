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
