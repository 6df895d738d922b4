import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { LeakKind } from '../../../src/analysis/leakKinds';
import { runHarnessFile } from '../../../src/harness/runHarness';

/**
 * C programs ported line by line to harnesses (`test/fixtures/ported/NAME.c` beside
 * `NAME.lmm.ts`). The expected figures are what Valgrind memcheck 3.19 reported for the C program
 * (gcc -O0, `valgrind --leak-check=full`), LEAK SUMMARY as bytes / blocks per kind.
 */
type Summary = Record<LeakKind, [bytes: number, blocks: number]>;

const memcheck: Record<string, Summary> = {
  'leak-cases': {
    'definitely-lost': [48, 3],
    'indirectly-lost': [32, 2],
    'possibly-lost': [96, 6],
    'still-reachable': [64, 4],
  },
  'leak-tree': {
    'definitely-lost': [32, 2],
    'indirectly-lost': [32, 2],
    'possibly-lost': [0, 0],
    'still-reachable': [48, 3],
  },
  'leak-cycle': {
    'definitely-lost': [64, 4],
    'indirectly-lost': [224, 14],
    'possibly-lost': [0, 0],
    'still-reachable': [0, 0],
  },
  list: { 'definitely-lost': [16, 1], 'indirectly-lost': [64, 4], 'possibly-lost': [0, 0], 'still-reachable': [48, 3] },
  tree: { 'definitely-lost': [24, 1], 'indirectly-lost': [48, 2], 'possibly-lost': [0, 0], 'still-reachable': [96, 4] },
  cycles: { 'definitely-lost': [32, 2], 'indirectly-lost': [64, 4], 'possibly-lost': [0, 0], 'still-reachable': [32, 2] },
  'hash-table': {
    'definitely-lost': [16, 1],
    'indirectly-lost': [32, 2],
    'possibly-lost': [0, 0],
    'still-reachable': [352, 19],
  },
  'interior-pointers': {
    'definitely-lost': [0, 0],
    'indirectly-lost': [0, 0],
    'possibly-lost': [80, 2],
    'still-reachable': [0, 0],
  },
  'realloc-growth': {
    'definitely-lost': [32, 2],
    'indirectly-lost': [0, 0],
    'possibly-lost': [0, 0],
    'still-reachable': [64, 1],
  },
  'locals-at-exit': {
    'definitely-lost': [16, 1],
    'indirectly-lost': [0, 0],
    'possibly-lost': [0, 0],
    'still-reachable': [32, 2],
  },
  'globals-reassigned': {
    'definitely-lost': [32, 2],
    'indirectly-lost': [16, 1],
    'possibly-lost': [0, 0],
    'still-reachable': [32, 2],
  },
  'root-outlives-block': {
    'definitely-lost': [16, 1],
    'indirectly-lost': [0, 0],
    'possibly-lost': [0, 0],
    'still-reachable': [0, 0],
  },
};

const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

describe('C programs ported to harnesses leak what memcheck says they leak', function () {
  this.timeout(60_000);
  for (const [name, expected] of Object.entries(memcheck)) {
    it(`${name}.c`, async () => {
      const result = await runHarnessFile(join(ported, `${name}.lmm.ts`));
      assert.equal(result.outcome, 'completed', result.message);
      const report = result.finished!.report;
      assert.deepEqual(report.errors, [], 'a faithful port makes no memory errors');
      const summary = report.leakSummary;
      const actual = Object.fromEntries(
        (Object.keys(expected) as LeakKind[]).map((kind) => [kind, [summary[kind].bytes, summary[kind].blocks]]),
      );
      assert.deepEqual(actual, expected);
    });
  }
});
