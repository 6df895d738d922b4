/**
 * Random structs and unions against the C compiler: each is written twice, as C (members of every
 * scalar type, earlier records by value and by pointer, arrays, bit-fields named and zero-width, `aligned` and `packed` on members and on
 * the record, `#pragma pack(N)` around it) and as a harness class with the decorators; one program
 * prints gcc's sizeof, _Alignof, offsetof and bit positions, and every number must equal the
 * harness's. The seeds are fixed so CI sees the same structs every time;
 * `LMM_LAYOUT_SEEDS=7,8,9 LMM_LAYOUT_COUNT=400` explores others (`LMM_LAYOUT_SHOW=1` prints the classes).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  cSource,
  compilerLines,
  declareClasses,
  earlierIn,
  harnessLines,
  harnessSource,
  randomRecord,
} from '../../support/randomCRecords';
import { compilerOrSkip } from '../../support/cCompiler';

describe('harness layouts of random structs and unions equal the C compiler’s (x86-64)', function () {
  this.timeout(120_000);
  const seeds = (process.env.LMM_LAYOUT_SEEDS ?? '1,2,3').split(',').map(Number);
  const count = Number(process.env.LMM_LAYOUT_COUNT ?? 150);

  for (const seed of seeds) {
    it(`${count} records from seed ${seed}: sizeof, _Alignof, offsetof and bit positions`, function () {
      const cc = compilerOrSkip(this);
      const records = fc.sample(randomRecord, { seed, numRuns: count });
      const names = records.map((_, i) => `r${seed}_${i}`);
      const earlierOf = earlierIn(records, names);
      const harness = records.map((r, i) => harnessSource(r, names[i]!, earlierOf(i))).join('\n');
      if (process.env.LMM_LAYOUT_SHOW) console.log(harness);
      const classes = declareClasses(harness);
      assert.equal(classes.length, records.length);
      const expected = compilerLines(cc, records, names, earlierOf);
      const actual = harnessLines(records, classes, names);
      const first = actual.findIndex((line, k) => line !== expected[k]);
      if (first >= 0) {
        const name = actual[first]!.split(/[ .]/)[0]!;
        const i = names.indexOf(name);
        const r = records[i]!;
        assert.fail(
          `seed ${seed}: the harness says '${actual[first]}', gcc '${expected[first]}'\n` +
            `C:       ${cSource(r, name, earlierOf(i))}\nharness: ${harnessSource(r, name, earlierOf(i)).replace(/\n\s*/g, ' ')}`,
        );
      }
      assert.equal(actual.length, expected.length);
    });
  }
});
