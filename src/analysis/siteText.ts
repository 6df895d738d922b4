/**
 * How sites print: `file:line:column`, the form editors and terminals make clickable; a site of
 * line 0 (a run without attribution knows the file only) as `file (line unknown)`, not `file:0:0`.
 */
import type { Site } from './analysisInput';

export function siteText(site: Site | null | undefined): string {
  if (!site) return '(unknown site)';
  return site.line > 0 ? `${site.file}:${site.line}:${site.column}` : `${site.file} ${LINE_UNKNOWN}`;
}

/** What a site of line 0 says in place of its line, in every format. */
export const LINE_UNKNOWN = '(line unknown)';

/** A stable key for a call stack (innermost first), for grouping. */
export function stackKey(stack: readonly Site[]): string {
  let key = '';
  for (const s of stack) key += `${s.file}:${s.line}:${s.column}\n`;
  return key;
}

/**
 * Interns stacks as small integers: by array identity first (the harness runtime shares one
 * array per call path, which makes this a single Map hit), then by content through a numeric
 * hash of the frames (no string building: a million distinct arrays stay cheap).
 */
export class StackInterner {
  private readonly byArray = new Map<readonly Site[], number>();
  private readonly byHash = new Map<number, number[]>();
  private readonly fileIds = new Map<string, number>();
  readonly stacks: (readonly Site[])[] = [];

  id(stack: readonly Site[]): number {
    let id = this.byArray.get(stack);
    if (id !== undefined) return id;
    let hash = stack.length;
    for (let i = 0; i < stack.length; i++) {
      const site = stack[i]!;
      let file = this.fileIds.get(site.file);
      if (file === undefined) {
        file = this.fileIds.size;
        this.fileIds.set(site.file, file);
      }
      hash = Math.imul(hash ^ file, 0x9e3779b1);
      hash = Math.imul(hash ^ site.line, 0x85ebca6b);
      hash = Math.imul(hash ^ site.column, 0xc2b2ae35);
    }
    let bucket = this.byHash.get(hash);
    if (bucket === undefined) {
      bucket = [];
      this.byHash.set(hash, bucket);
    }
    for (const candidate of bucket) {
      if (sameStack(this.stacks[candidate]!, stack)) {
        id = candidate;
        break;
      }
    }
    if (id === undefined) {
      id = this.stacks.length;
      this.stacks.push(stack);
      bucket.push(id);
    }
    // Remember identities only while they pay: a million one-off arrays would just fill the map.
    if (this.byArray.size < 65536) this.byArray.set(stack, id);
    return id;
  }
}

function sameStack(a: readonly Site[], b: readonly Site[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.line !== y.line || x.column !== y.column || x.file !== y.file) return false;
  }
  return true;
}
