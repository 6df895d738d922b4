/**
 * `lmm import-c` on random headers (test/support/randomCRecords.ts: every scalar type, nested
 * records and pointers, arrays, bit-fields, `aligned`, `packed`, `#pragma pack`), read with the
 * built-in preprocessor: every class it writes, declared with the real decorators, must have gcc's
 * sizeof, _Alignof, offsetof and bit positions, and a record it does not write must come with the
 * reason. Fixed seeds (`LMM_LAYOUT_SEEDS` explores others).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compilerOrSkip } from '../../../support/cCompiler';
import { compilerLines, cSource, declareClasses, earlierIn, harnessLines, randomRecord } from '../../../support/randomCRecords';

describe('lmm import-c on random headers, against the C compiler', function () {
  this.timeout(120_000);
  const seeds = (process.env.LMM_LAYOUT_SEEDS ?? '101,102').split(',').map(Number);
  const count = Number(process.env.LMM_LAYOUT_COUNT ?? 150);

  for (const seed of seeds) {
    it(`${count} records from seed ${seed}: each written class has gcc's layout, each other one a reason`, function () {
      const cc = compilerOrSkip(this);
      const records = fc.sample(randomRecord, { seed, numRuns: count });
      const names = records.map((_, i) => `h${seed}_${i}`);
      const earlierOf = earlierIn(records, names);
      const header = records.map((r, i) => cSource(r, names[i]!, earlierOf(i))).join('\n') + '\n';
      const imported = importCHeader(header, 'random.h');
      assert.equal(imported.structs.length, records.length, imported.notes.map((n) => `${n.line}: ${n.message}`).join('\n'));
      const written = imported.structs.map((s) => s.status === 'written');
      for (const [k, s] of imported.structs.entries()) {
        if (s.status === 'written') continue;
        assert.ok(
          imported.notes.some((n) => n.message.startsWith(`${records[k]!.kind} ${names[k]}`) || n.message.includes(names[k]!)),
          `${names[k]} is ${s.status} without a word: ${cSource(records[k]!, names[k]!, earlierOf(k))}`,
        );
      }
      assert.ok(
        written.filter(Boolean).length >= records.length * 0.9,
        `${written.filter(Boolean).length} of ${records.length} written`,
      );
      const classes = declareClasses(imported.source, true);
      const byName = new Map(classes.map((c) => [c.name, c]));
      const kept = records.filter((_, k) => written[k]);
      const keptNames = names.filter((_, k) => written[k]);
      const expected = compilerLines(cc, records, names, earlierOf);
      const actual = harnessLines(
        kept,
        keptNames.map((n) => byName.get(n)!),
        keptNames,
      );
      const expectedKept = expected.filter((line) => keptNames.includes(line.split(/[ .]/)[0]!));
      const first = actual.findIndex((line, k) => line !== expectedKept[k]);
      if (first >= 0) {
        const name = actual[first]!.split(/[ .]/)[0]!;
        const k = names.indexOf(name);
        assert.fail(
          `seed ${seed}: the imported class says '${actual[first]}', gcc '${expectedKept[first]}'\n` +
            `C: ${cSource(records[k]!, name, earlierOf(k))}`,
        );
      }
      assert.equal(actual.length, expectedKept.length);
    });
  }
});
