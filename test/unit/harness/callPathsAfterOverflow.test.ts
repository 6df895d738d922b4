/**
 * A harness that recurses until the stack overflows and catches the RangeError goes on running.
 * The overflow may fall inside the runtime's own bookkeeping: CallPaths growing its tables for a
 * new call path. A node id was taken before the tables grew, so when growing threw, every later
 * path pointed past them, and each stack after it (of leaks, errors, the time limit's message)
 * was eight frames of 'FILE:0:0'. Growing is simulated to throw here, as an overflow there would.
 */
import { strict as assert } from 'node:assert';
import { CallPaths } from '../../../src/harness/runtime/callPaths';

const SITES = Array.from({ length: 4000 }, (_, i) => ({ file: 'deep.lmm.ts', line: i + 1, column: 1 }));
const UNKNOWN = { file: 'deep.lmm.ts', line: 0, column: 0 };

/** Makes the next `grow` of `table` throw as an overflow would (grow builds `new table.constructor(n)`). */
function failNextGrowth(table: Int32Array): () => void {
  Object.defineProperty(table, 'constructor', {
    configurable: true,
    value: function overflow() {
      throw new RangeError('Maximum call stack size exceeded');
    },
  });
  return () => delete (table as { constructor?: unknown }).constructor;
}

/** Enters sites 0, 1, 2, … from the root until the tables are full (the next new path grows them). */
function fill(paths: CallPaths): number {
  let site = 0;
  while (paths.count < paths.parent.length) paths.enter(site++);
  return site;
}

describe('CallPaths: a new call path whose growth threw (an overflow caught by the harness)', () => {
  for (const table of ['parent', 'site'] as const) {
    it(`keeps every later stack right when growing its ${table} table threw`, () => {
      const paths = new CallPaths(SITES, UNKNOWN);
      const next = fill(paths);
      const failing = paths[table];
      const allow = failNextGrowth(failing);
      assert.throws(() => paths.enter(next), RangeError);
      allow();
      // The harness caught the overflow; its catch block's restore puts the stack back.
      paths.current = 0;
      paths.enter(next);
      paths.enter(next + 1);
      assert.deepEqual(
        paths.stack(paths.current).map((s) => s.line),
        [next + 2, next + 1],
      );
      for (let i = 0; i < 2000; i++) paths.enter(next + 2 + i);
      assert.deepEqual(
        paths.stack(paths.current).map((s) => s.line),
        Array.from({ length: 8 }, (_, k) => next + 2001 - k + 1),
      );
    });
  }
});
