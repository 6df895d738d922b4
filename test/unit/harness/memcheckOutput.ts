/**
 * Reads what Valgrind memcheck writes to stderr (`valgrind --leak-check=full
 * --show-leak-kinds=all`): every LEAK SUMMARY (one per leak check, the mid-run ones first), the
 * loss records of the last check, and the memory errors with the source line of the program that
 * made them. Only the figures the ported programs are compared on are kept.
 */
import type { LeakKind } from '../../../src/analysis/leakKinds';

export type Summary = Record<LeakKind, [bytes: number, blocks: number]>;

/** One loss record: `indirect` is memcheck's "(N direct, M indirect)" M, 0 when not printed. */
export interface MemcheckRecord {
  kind: LeakKind;
  bytes: number;
  blocks: number;
  indirect: number;
  /** The allocation's frames in the C file, innermost first (its lines). */
  lines: number[];
}

/**
 * A memory error in our kinds, at `line` of the C file (its innermost frame there); `allocLine`:
 * where the block it names was allocated, when it names one.
 */
export interface MemcheckError {
  kind: 'double-free' | 'invalid-free' | 'use-after-free' | 'out-of-bounds' | 'too-large';
  line: number;
  allocLine?: number;
}

export interface MemcheckOutput {
  summaries: Summary[];
  /** The loss records of the last leak check (the one at exit). */
  records: MemcheckRecord[];
  errors: MemcheckError[];
}

const KIND_WORDS: Record<string, LeakKind> = {
  'definitely lost': 'definitely-lost',
  'indirectly lost': 'indirectly-lost',
  'possibly lost': 'possibly-lost',
  'still reachable': 'still-reachable',
};

export function emptySummary(): Summary {
  return {
    'definitely-lost': [0, 0],
    'indirectly-lost': [0, 0],
    'possibly-lost': [0, 0],
    'still-reachable': [0, 0],
  };
}

const number = (text: string): number => Number(text.replace(/,/g, ''));

export function parseMemcheckOutput(stderr: string, cFileName: string): MemcheckOutput {
  // Every line starts "==PID== "; what follows is memcheck's text.
  const lines = stderr.split('\n').map((line) => line.replace(/^==\d+== ?/, ''));
  const summaries: Summary[] = [];
  const errors: MemcheckError[] = [];
  let records: MemcheckRecord[] = [];
  let recordsOfCheck: MemcheckRecord[] = [];
  const frameInFile = new RegExp(`\\(${cFileName.replace(/[.+]/g, '\\$&')}:(\\d+)\\)`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const record =
      /^([\d,]+) (?:\(([\d,]+) direct, ([\d,]+) indirect\) )?bytes in ([\d,]+) blocks are (definitely lost|indirectly lost|possibly lost|still reachable) in loss record/.exec(
        line,
      );
    if (record) {
      const frames: number[] = [];
      for (let j = i + 1; j < lines.length && lines[j]!.startsWith(' '); j++) {
        const frame = frameInFile.exec(lines[j]!);
        if (frame) frames.push(Number(frame[1]));
      }
      recordsOfCheck.push({
        kind: KIND_WORDS[record[5]!]!,
        bytes: number(record[2] ?? record[1]!),
        blocks: number(record[4]!),
        indirect: record[3] === undefined ? 0 : number(record[3]),
        lines: frames,
      });
      continue;
    }
    if (line === 'LEAK SUMMARY:') {
      const summary = emptySummary();
      for (let j = i + 1; j < i + 5; j++) {
        // "definitely lost: 10 (+10) bytes in 1 (+1) blocks": a check after the first shows its changes too.
        const figures =
          /^\s*(definitely lost|indirectly lost|possibly lost|still reachable): ([\d,]+) (?:\([+-][\d,]+\) )?bytes in ([\d,]+) /.exec(
            lines[j] ?? '',
          );
        if (figures) summary[KIND_WORDS[figures[1]!]!] = [number(figures[2]!), number(figures[3]!)];
      }
      summaries.push(summary);
      records = recordsOfCheck;
      recordsOfCheck = [];
      continue;
    }
    if (line === 'All heap blocks were freed -- no leaks are possible') {
      summaries.push(emptySummary());
      records = [];
      recordsOfCheck = [];
      continue;
    }
    // memcheck's "fishy value" is a size no allocation can have (a negative one made unsigned):
    // LMM's `too-large`, a request no page can serve.
    const error = /^(Invalid free\(\)|Invalid (?:read|write) of size \d+|Argument '\w+' of function \w+ has a fishy)/.exec(line);
    if (error) {
      let at = 0;
      let allocatedAt = 0;
      let inAllocation = false;
      let freed = false;
      for (let j = i + 1; j < lines.length && lines[j]!.startsWith(' '); j++) {
        const frame = frameInFile.exec(lines[j]!);
        if (at === 0 && frame) at = Number(frame[1]);
        if (/alloc'd(?: at)?$/.test(lines[j]!)) inAllocation = true;
        else if (inAllocation && allocatedAt === 0 && frame) allocatedAt = Number(frame[1]);
        if (/^ Address 0x[\da-f]+ is [\d,]+ bytes (?:inside|before|after) a block of size [\d,]+ free'd$/.test(lines[j]!))
          freed = true;
      }
      const isFree = error[1]!.startsWith('Invalid free');
      const fishy = error[1]!.startsWith('Argument');
      errors.push({
        kind: fishy
          ? 'too-large'
          : isFree
            ? freed
              ? 'double-free'
              : 'invalid-free'
            : freed
              ? 'use-after-free'
              : 'out-of-bounds',
        line: at,
        ...(allocatedAt === 0 ? {} : { allocLine: allocatedAt }),
      });
    }
  }
  return { summaries, records, errors };
}

/**
 * Loss records as `'kind bytes/blocks'` (` +N`: memcheck's "(… direct, N indirect)"), in the order
 * of their allocation sites in the program's text: by the outermost frame's line first, then the
 * next one in (ties by the text). A line-for-line port gives the same order for its own lines.
 */
export function recordsInSiteOrder(records: readonly { text: string; lines: readonly number[] }[]): string[] {
  const outermostFirst = records.map((record) => ({ text: record.text, key: [...record.lines].reverse() }));
  outermostFirst.sort((a, b) => {
    for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) {
      if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
    }
    return a.key.length - b.key.length || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
  });
  return outermostFirst.map((record) => record.text);
}

/** A loss record's text: `'definitely-lost 32/1 +16'`. */
export function recordText(kind: LeakKind, bytes: number, blocks: number, indirect: number): string {
  return `${kind} ${bytes}/${blocks}` + (indirect > 0 ? ` +${indirect}` : '');
}
