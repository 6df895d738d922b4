/** How sites print: `file:line:column`, the form editors and terminals make clickable. */
import type { Site } from './analysisInput';

export function siteText(site: Site | null | undefined): string {
  return site ? `${site.file}:${site.line}:${site.column}` : '(unknown site)';
}

/** A stable key for a call stack (innermost first), for grouping. */
export function stackKey(stack: readonly Site[]): string {
  let key = '';
  for (const s of stack) key += `${s.file}:${s.line}:${s.column}\n`;
  return key;
}

/**
 * Interns stacks as small integers: by array identity first (the harness usually shares one
 * array per distinct stack, which makes this a single Map hit), then by content.
 */
export class StackInterner {
  private readonly byArray = new Map<readonly Site[], number>();
  private readonly byKey = new Map<string, number>();
  readonly stacks: (readonly Site[])[] = [];

  id(stack: readonly Site[]): number {
    let id = this.byArray.get(stack);
    if (id !== undefined) return id;
    const key = stackKey(stack);
    id = this.byKey.get(key);
    if (id === undefined) {
      id = this.stacks.length;
      this.stacks.push(stack);
      this.byKey.set(key, id);
    }
    this.byArray.set(stack, id);
    return id;
  }
}
