/**
 * "A `--suppressions` file [is] a regular file of at most 16 MiB": each leak record and memory
 * error was tried against every entry, so a 16 MiB file (240,000 entries) and a few hundred
 * records took minutes (ten under `lmm run`, past its time limit). Entries are now looked up by
 * their innermost frame's base name; the first match in the file's order is the same as before.
 */
import { strict as assert } from 'node:assert';
import {
  matchErrorSuppression,
  matchLeakSuppression,
  parseSuppressions,
  type Suppression,
} from '../../../src/analysis/suppressions';
import type { Site } from '../../../src/analysis/analysisInput';

const site = (file: string, line: number): Site => ({ file, line, column: 1 });

/** A deterministic pseudo-random sequence (the same entries every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const FILES = ['a.lmm.ts', 'b.lmm.ts', 'lib/c.ts', '/home/u/lib/c.ts'];
const FRAMES = [
  'src:a.lmm.ts',
  'src:b.lmm.ts:3',
  'src:c.ts:2',
  'src:lib/c.ts',
  'src:*.lmm.ts',
  'src:?.ts',
  'src:a.lmm.ts:*',
  '...',
];

describe('suppressions: a large file looked up by innermost frame', function () {
  this.timeout(60_000);

  it('finds the same first entry as trying each in order, for leaks and errors, over random entries and stacks', () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const text: string[] = [];
    for (let i = 0; i < 400; i++) {
      const kind = pick(['lmm:Leak', 'lmm:Leak\n   match-leak-kinds: definite', 'lmm:Error', 'lmm:double-free']);
      const frames = Array.from({ length: Math.floor(next() * 3) }, () => `   ${pick(FRAMES)}`);
      text.push(`{\n   entry${i}\n   ${kind}\n${frames.join('\n')}${frames.length ? '\n' : ''}}\n`);
    }
    const entries = parseSuppressions(text.join(''), 'random.lmmsupp');
    assert.ok(entries.length >= 64, 'large enough to be indexed');
    const oneByOne = (find: (one: readonly Suppression[]) => Suppression | undefined) => entries.find((s) => find([s]));
    for (let t = 0; t < 2000; t++) {
      const stack = Array.from({ length: Math.floor(next() * 4) }, () => site(pick(FILES), 1 + Math.floor(next() * 3)));
      const kind = pick(['definitely-lost', 'still-reachable'] as const);
      assert.equal(
        matchLeakSuppression(entries, kind, 'node_t', stack)?.name,
        oneByOne((one) => matchLeakSuppression(one, kind, 'node_t', stack))?.name,
        JSON.stringify(stack),
      );
      const error = pick(['double-free', 'invalid-free'] as const);
      assert.equal(
        matchErrorSuppression(entries, error, stack)?.name,
        oneByOne((one) => matchErrorSuppression(one, error, stack))?.name,
        JSON.stringify(stack),
      );
    }
  });

  it('4 MiB of 60,000 entries against 500 records: milliseconds, not seconds (a 16 MiB file has 240,000)', () => {
    const text: string[] = [];
    let size = 0;
    for (let i = 0; size < 4 * 2 ** 20 - 200; i++) {
      const entry = `{\n   s${i}\n   lmm:Leak\n   src:nowhere${i}.lmm.ts:${i}\n   src:*\n}\n`;
      text.push(entry);
      size += entry.length;
    }
    text.push(`{\n   the-one\n   lmm:Leak\n   src:harness.lmm.ts:499\n}\n`);
    const entries = parseSuppressions(text.join(''), 'big.lmmsupp');
    assert.ok(entries.length > 55_000, `${entries.length} entries`);
    const started = Date.now();
    let matched = 0;
    for (let line = 0; line < 500; line++) {
      if (matchLeakSuppression(entries, 'definitely-lost', 'node_t', [site('/h/harness.lmm.ts', line)])) matched++;
    }
    const ms = Date.now() - started;
    assert.equal(matched, 1);
    // Tried one by one, this took 25 ms a record or more (12 s), and a 16 MiB file four times that.
    assert.ok(ms < 2000, `${ms} ms for 500 records`);
  });
});
