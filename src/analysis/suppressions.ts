/**
 * Suppressions in memcheck's spirit: a `.lmmsupp` file of entries that silence known leaks or
 * errors; suppressed records are still counted and shown as suppressed.
 *
 *   # the list is kept on purpose until exit
 *   {
 *      students-kept-for-the-report
 *      lmm:Leak
 *      match-leak-kinds: reachable,possible      (optional; memcheck's short names or ours)
 *      struct: student_t                          (optional; * and ? wildcards)
 *      src:school.lmm.ts:42                       (frames, innermost first: FILE[:LINE[:COLUMN]])
 *      ...                                        (any number of frames)
 *   }
 *
 * The kind line is `lmm:Leak`, `lmm:Error` (any memory error, optionally narrowed with
 * `match-error-kinds:`) or `lmm:<error kind>` such as `lmm:double-free`. A FILE without a `/`
 * matches the site's base name. The frames match the stack from its innermost frame; the stack
 * may be longer than the pattern (as in memcheck).
 */
import type { MemoryErrorKind, Site } from './analysisInput';
import { LEAK_KINDS, LEAK_KIND_SHORT, leakKindOfShortName, type LeakKind } from './leakKinds';

export const MEMORY_ERROR_KINDS: readonly MemoryErrorKind[] = [
  'double-free',
  'invalid-free',
  'use-after-free',
  'out-of-bounds',
  'unregistered-struct',
  'too-large',
  'out-of-memory',
  'duplicate-registration',
  'struct-too-large',
];

export interface FramePattern {
  file: Wildcard;
  /** Whether `file` is matched against the whole path (the pattern had a `/`) or the base name. */
  wholePath: boolean;
  line: Wildcard | null;
  column: Wildcard | null;
  text: string;
}

export const ANY_FRAMES = '...';

export interface Suppression {
  name: string;
  /** Where the entry starts (its `{` line). */
  file: string;
  line: number;
  target: 'leak' | 'error';
  /** null: every kind. */
  leakKinds: ReadonlySet<LeakKind> | null;
  errorKinds: ReadonlySet<MemoryErrorKind> | null;
  struct: Wildcard | null;
  frames: (FramePattern | typeof ANY_FRAMES)[];
}

export class SuppressionSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    // Defined, not assigned: in the harness worker Error.prototype is frozen, and assigning a
    // property it has as read-only throws (JavaScript's "override mistake").
    Object.defineProperty(this, 'name', { value: 'SuppressionSyntaxError', configurable: true, writable: true });
  }
}

/** Parses a suppressions file; throws SuppressionSyntaxError (file:line: reason) on bad input. */
export function parseSuppressions(text: string, file: string): Suppression[] {
  // Strings, not /\r\n?|\n/: in the locked-down harness worker, which parses the file again, a
  // split by a regular expression leaves V8's fast path (4 MiB of blank lines took 21 s). Lines
  // end at LF, CR LF or a lone CR, as a harness's do (a file of lone CRs was one line).
  const lines = (text.includes('\r') ? text.split('\r\n').join('\n').split('\r').join('\n') : text).split('\n');
  const result: Suppression[] = [];
  const fail = (line: number, reason: string): never => {
    throw new SuppressionSyntaxError(file, line, reason);
  };
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!.trim();
    i++;
    if (raw === '' || raw.startsWith('#')) continue;
    if (raw !== '{') fail(i, `expected '{' to start a suppression, found '${raw}'`);
    const startLine = i;
    const body: { text: string; line: number }[] = [];
    let closed = false;
    while (i < lines.length) {
      const t = lines[i]!.trim();
      i++;
      if (t === '' || t.startsWith('#')) continue;
      if (t === '}') {
        closed = true;
        break;
      }
      if (t === '{') fail(i, "'{' inside a suppression: a '}' is missing before it");
      body.push({ text: t, line: i });
    }
    if (!closed) fail(startLine, "suppression is not closed with '}'");
    if (body.length < 2)
      fail(startLine, 'a suppression needs a name line and a kind line (lmm:Leak, lmm:Error or lmm:<error kind>)');
    const name = body[0]!.text;
    const kindLine = body[1]!;
    const kindMatch = /^lmm:(\S+)$/i.exec(kindLine.text);
    if (kindMatch === null) {
      // A memcheck suppression file's `Memcheck:Leak` (or `Memcheck:Free` …) says which line to write instead.
      const memcheck = /^memcheck:(\S+)$/i.exec(kindLine.text);
      const instead =
        memcheck === null
          ? ''
          : memcheck[1]!.toLowerCase() === 'leak'
            ? " (memcheck's Memcheck:Leak is lmm:Leak)"
            : " (memcheck's error kinds are lmm:Error or lmm:<error kind>)";
      fail(kindLine.line, `expected lmm:Leak, lmm:Error or lmm:<error kind>, found '${kindLine.text}'${instead}`);
    }
    const kindWord = kindMatch![1]!;
    let target: 'leak' | 'error';
    let errorKinds: Set<MemoryErrorKind> | null = null;
    if (kindWord.toLowerCase() === 'leak') target = 'leak';
    else if (kindWord.toLowerCase() === 'error') target = 'error';
    else if ((MEMORY_ERROR_KINDS as readonly string[]).includes(kindWord)) {
      target = 'error';
      errorKinds = new Set([kindWord as MemoryErrorKind]);
    } else {
      return fail(kindLine.line, `unknown kind lmm:${kindWord} (Leak, Error, or one of ${MEMORY_ERROR_KINDS.join(', ')})`);
    }
    let leakKinds: Set<LeakKind> | null = null;
    let struct: Wildcard | null = null;
    const frames: (FramePattern | typeof ANY_FRAMES)[] = [];
    for (const { text: t, line } of body.slice(2)) {
      let m: RegExpExecArray | null;
      if ((m = /^match-leak-kinds:\s*(.*)$/.exec(t)) !== null) {
        if (target !== 'leak') fail(line, 'match-leak-kinds only applies to lmm:Leak');
        if (frames.length > 0) fail(line, 'match-leak-kinds must come before the frames');
        leakKinds = parseLeakKinds(m[1]!, (reason) => fail(line, reason));
      } else if ((m = /^match-error-kinds:\s*(.*)$/.exec(t)) !== null) {
        if (target !== 'error') fail(line, 'match-error-kinds only applies to lmm:Error');
        errorKinds = parseErrorKinds(m[1]!, (reason) => fail(line, reason));
      } else if ((m = /^struct:\s*(\S+)$/.exec(t)) !== null) {
        if (target !== 'leak') fail(line, 'struct: only applies to lmm:Leak');
        struct = wildcard(m[1]!);
      } else if (t === ANY_FRAMES) {
        frames.push(ANY_FRAMES);
      } else if ((m = /^src:(.+)$/.exec(t)) !== null) {
        frames.push(parseFrame(m[1]!.trim(), (reason) => fail(line, reason)));
      } else if (/^(fun|obj):/.test(t)) {
        fail(line, `'${t}': LMM sites have no function or object names; write frames as src:FILE[:LINE[:COLUMN]]`);
      } else {
        fail(line, `cannot read '${t}' (expected match-leak-kinds:, match-error-kinds:, struct:, src:FILE:LINE or ...)`);
      }
    }
    result.push({ name, file, line: startLine, target, leakKinds, errorKinds, struct, frames });
  }
  return result;
}

function parseLeakKinds(text: string, fail: (reason: string) => never): Set<LeakKind> | null {
  const kinds = new Set<LeakKind>();
  for (const word of text.split(',').map((w) => w.trim())) {
    if (word === 'all') return null;
    if (word === 'none' || word === '') continue;
    const kind = leakKindOfShortName(word) ?? (LEAK_KINDS.includes(word as LeakKind) ? (word as LeakKind) : undefined);
    if (kind === undefined) {
      fail(`unknown leak kind '${word}' (definite, indirect, possible, reachable, all, or the long names)`);
    }
    kinds.add(kind!);
  }
  return kinds;
}

function parseErrorKinds(text: string, fail: (reason: string) => never): Set<MemoryErrorKind> {
  const kinds = new Set<MemoryErrorKind>();
  for (const word of text.split(',').map((w) => w.trim())) {
    if (word === '') continue;
    if (!(MEMORY_ERROR_KINDS as readonly string[]).includes(word)) {
      fail(`unknown error kind '${word}' (${MEMORY_ERROR_KINDS.join(', ')})`);
    }
    kinds.add(word as MemoryErrorKind);
  }
  return kinds;
}

/** FILE[:LINE[:COLUMN]], read from the right so a Windows drive letter stays in FILE. */
function parseFrame(text: string, fail: (reason: string) => never): FramePattern {
  const parts = text.split(':');
  const numeric = /^[0-9*?]+$/;
  let column: string | null = null;
  let line: string | null = null;
  if (parts.length >= 3 && numeric.test(parts[parts.length - 1]!) && numeric.test(parts[parts.length - 2]!)) {
    column = parts.pop()!;
    line = parts.pop()!;
  } else if (parts.length >= 2 && numeric.test(parts[parts.length - 1]!)) {
    line = parts.pop()!;
  }
  const file = forwardSlashes(parts.join(':'));
  if (file === '') fail(`frame 'src:${text}' has no file`);
  return {
    file: wildcard(file),
    wholePath: file.includes('/'),
    line: line === null ? null : wildcard(line),
    column: column === null ? null : wildcard(column),
    text,
  };
}

/** A `*` / `?` pattern, matched in time linear in the pattern times the text. */
export interface Wildcard {
  /** The pattern as written. */
  readonly source: string;
  test(text: string): boolean;
}

/**
 * `*` any run of characters, `?` one character, the rest literal; the whole text must match.
 * Not a RegExp: `*a*a*a…` as `.*a.*a.*a…` backtracks exponentially (ten stars took a minute
 * on one file name), and a suppressions file comes with the harness, from anyone.
 */
function wildcard(pattern: string): Wildcard {
  // Most patterns are plain text (a struct, a file, a line): equal or not.
  if (!pattern.includes('*') && !pattern.includes('?')) return { source: pattern, test: (text) => text === pattern };
  const chars = [...pattern];
  return {
    source: pattern,
    test(text: string): boolean {
      const t = [...text];
      // Greedy match, going back only to the last `*`: each star need not be retried once a
      // later one matched, so the work is at most pattern length × text length.
      let p = 0;
      let i = 0;
      let star = -1;
      let resume = 0;
      while (i < t.length) {
        if (p < chars.length && (chars[p] === '?' || (chars[p] !== '*' && chars[p] === t[i]))) {
          p++;
          i++;
        } else if (p < chars.length && chars[p] === '*') {
          star = p++;
          resume = i;
        } else if (star >= 0) {
          p = star + 1;
          i = ++resume;
        } else return false;
      }
      while (p < chars.length && chars[p] === '*') p++;
      return p === chars.length;
    },
  };
}

/**
 * `path` with `/` for each `\`, without a regular expression: the locked-down worker matches
 * every leak record against every entry, and there `replace(/re/)` leaves V8's fast path (a
 * file of 144,000 entries took 8.4 s for 20 records, 1.3 s without it).
 */
function forwardSlashes(path: string): string {
  return path.includes('\\') ? path.split('\\').join('/') : path;
}

function frameMatches(pattern: FramePattern, site: Site): boolean {
  const path = forwardSlashes(site.file);
  const file = pattern.wholePath ? path : path.slice(path.lastIndexOf('/') + 1);
  // A pattern with a '/' may also name the tail of a longer path (`examples/list.lmm.ts`).
  if (!pattern.file.test(file) && !(pattern.wholePath && tailMatches(pattern.file, path))) return false;
  if (pattern.line !== null && !pattern.line.test(String(site.line))) return false;
  if (pattern.column !== null && !pattern.column.test(String(site.column))) return false;
  return true;
}

function tailMatches(file: Wildcard, path: string): boolean {
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    if (file.test(path.slice(i + 1))) return true;
  }
  return false;
}

/** Whether the frame patterns match the stack (innermost first); `...` matches any frames. */
export function framesMatch(frames: readonly (FramePattern | typeof ANY_FRAMES)[], stack: readonly Site[]): boolean {
  // From the last pattern back, which stack positions the patterns from here on match from:
  // each (pattern, frame) pair is tried once, without recursion. Trying every way of splitting
  // the stack between a run of `...` lines took a third of a second for twelve, ~3× per more.
  const frameCount = stack.length;
  let next = new Uint8Array(frameCount + 1).fill(1); // past the last pattern: a prefix is enough
  let here = new Uint8Array(frameCount + 1);
  for (let p = frames.length - 1; p >= 0; p--) {
    const pattern = frames[p]!;
    if (pattern === ANY_FRAMES) {
      let any = 0;
      for (let s = frameCount; s >= 0; s--) here[s] = any |= next[s]!;
    } else {
      here[frameCount] = 0;
      for (let s = 0; s < frameCount; s++) here[s] = next[s + 1]! && frameMatches(pattern, stack[s]!) ? 1 : 0;
    }
    [next, here] = [here, next];
  }
  return next[0] === 1;
}

/** The first suppression that silences a leak record, if any. */
export function matchLeakSuppression(
  suppressions: readonly Suppression[],
  kind: LeakKind,
  struct: string,
  stack: readonly Site[],
): Suppression | undefined {
  return firstMatch(
    suppressions,
    stack,
    (s) =>
      s.target === 'leak' &&
      (s.leakKinds === null || s.leakKinds.has(kind)) &&
      (s.struct === null || s.struct.test(struct)) &&
      framesMatch(s.frames, stack),
  );
}

/** The first suppression that silences a memory error, if any. */
export function matchErrorSuppression(
  suppressions: readonly Suppression[],
  kind: MemoryErrorKind,
  stack: readonly Site[],
): Suppression | undefined {
  return firstMatch(
    suppressions,
    stack,
    (s) => s.target === 'error' && (s.errorKinds === null || s.errorKinds.has(kind)) && framesMatch(s.frames, stack),
  );
}

/**
 * The entries a stack's innermost frame may match, by base name: an entry whose first frame is a
 * plain base name (no `/`, `*` or `?`) silences only stacks whose innermost site has that name.
 * Every record was tried against every entry: a 16 MiB file (240,000 entries) took minutes for
 * a few hundred records. `others` are the entries that may match any stack.
 */
interface InnermostIndex {
  entries: number;
  byName: Map<string, number[]>;
  others: number[];
}

/** Below this many entries, trying each is as quick as the index. */
const INDEX_FROM = 64;
const indexes = new WeakMap<readonly Suppression[], InnermostIndex>();

function innermostIndex(suppressions: readonly Suppression[]): InnermostIndex {
  const known = indexes.get(suppressions);
  // Rebuilt when entries were added (the Suppress action appends to a file's list).
  if (known !== undefined && known.entries === suppressions.length) return known;
  const index: InnermostIndex = { entries: suppressions.length, byName: new Map(), others: [] };
  suppressions.forEach((s, i) => {
    const first = s.frames[0];
    const name = first === undefined || first === ANY_FRAMES || first.wholePath ? undefined : first.file.source;
    if (name === undefined || name.includes('*') || name.includes('?')) index.others.push(i);
    else {
      const list = index.byName.get(name);
      if (list) list.push(i);
      else index.byName.set(name, [i]);
    }
  });
  indexes.set(suppressions, index);
  return index;
}

/** The first entry, in the file's order, that `matches`: among those the stack's innermost frame allows. */
function firstMatch(
  suppressions: readonly Suppression[],
  stack: readonly Site[],
  matches: (s: Suppression) => boolean,
): Suppression | undefined {
  if (suppressions.length < INDEX_FROM) return suppressions.find(matches);
  const index = innermostIndex(suppressions);
  const innermost = stack[0];
  const path = innermost === undefined ? '' : forwardSlashes(innermost.file);
  const named = (innermost && index.byName.get(path.slice(path.lastIndexOf('/') + 1))) || [];
  const others = index.others;
  // Both lists are in file order: merged, the first match is the file's first.
  for (let i = 0, j = 0; i < named.length || j < others.length;) {
    const k = j >= others.length || (i < named.length && named[i]! < others[j]!) ? named[i++]! : others[j++]!;
    if (matches(suppressions[k]!)) return suppressions[k];
  }
  return undefined;
}

/** A suppression entry that would silence this record, like memcheck's --gen-suppressions. */
export function suppressionText(
  name: string,
  record: { kind: LeakKind | MemoryErrorKind; struct?: string; stack: readonly Site[] },
): string {
  const isLeak = (LEAK_KINDS as readonly string[]).includes(record.kind);
  const short = Object.entries(LEAK_KIND_SHORT).find(([, long]) => long === record.kind)?.[0];
  const lines = ['{', `   ${name}`, isLeak ? '   lmm:Leak' : `   lmm:${record.kind}`];
  if (isLeak) lines.push(`   match-leak-kinds: ${short}`);
  if (isLeak && record.struct !== undefined) lines.push(`   struct: ${record.struct}`);
  for (const site of record.stack) {
    const path = site.file.replace(/\\/g, '/');
    lines.push(`   src:${path.slice(path.lastIndexOf('/') + 1)}:${site.line}:${site.column}`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
