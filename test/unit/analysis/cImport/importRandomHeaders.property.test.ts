/**
 * `lmm import-c` on random headers (test/support/randomCRecords.ts: every scalar type, nested
 * records and pointers, arrays, bit-fields, `aligned`, `packed`, `#pragma pack`), read with the
 * built-in preprocessor: every class it writes, declared with the real decorators, must have gcc's
 * sizeof, _Alignof, offsetof and bit positions, and a record it does not write must come with the
 * reason. Then records with what only a header says (`randomHeaderRecord`: bit-fields of signed,
 * `long long`, `_Bool` and enum types, `:0` among them, `_Alignas`, typedefs aligned up and down,
 * flexible and zero-length arrays, anonymous struct and union members), compared with gcc through
 * the enclosing struct as C names them. Fixed seeds (`LMM_LAYOUT_SEEDS`, `LMM_HEADER_SEEDS` explore
 * others); one compiler run per seed.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { BITS_OF_C, compileAndRun, compilerOrSkip } from '../../../support/cCompiler';
import { compareLines } from '../../../support/harnessAgainstCompiler';
import {
  compilerLines,
  cSource,
  declareClasses,
  earlierIn,
  HEADER_PRELUDE,
  harnessLines,
  randomHeaderRecord,
  randomRecord,
  withoutEmbeddedFlexible,
} from '../../../support/randomCRecords';

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

describe('lmm import-c on random headers of what only a header says, against the C compiler', function () {
  this.timeout(120_000);
  const seeds = (process.env.LMM_HEADER_SEEDS ?? '201,202').split(',').map(Number);
  const count = Number(process.env.LMM_LAYOUT_COUNT ?? 120);

  for (const seed of seeds) {
    it(`${count} records from seed ${seed} (bit-fields of every integer type, _Alignas, aligned typedefs, flexible and zero-length arrays, anonymous members): each written class has gcc's layout`, function () {
      const cc = compilerOrSkip(this);
      const records = withoutEmbeddedFlexible(fc.sample(randomHeaderRecord, { seed, numRuns: count }));
      const names = records.map((_, i) => `w${seed}_${i}`);
      const earlierOf = earlierIn(records, names);
      const header = [...HEADER_PRELUDE, ...records.map((r, i) => cSource(r, names[i]!, earlierOf(i)))].join('\n') + '\n';
      const imported = importCHeader(header, 'random.h');
      const own = imported.structs.filter((s) => !s.cName.startsWith('anonymous '));
      assert.deepEqual(
        own.map((s) => s.name),
        names,
        imported.notes.map((n) => `${n.line}: ${n.message}`).join('\n'),
      );
      for (const [k, s] of own.entries())
        assert.ok(
          s.status === 'written' || imported.notes.some((n) => n.message.includes(names[k]!)),
          `${names[k]} is ${s.status} without a word: ${cSource(records[k]!, names[k]!, earlierOf(k))}`,
        );
      const written = own.filter((s) => s.status === 'written').length;
      assert.ok(written >= records.length * 0.9, `${written} of ${records.length} written`);
      const { c, expected } = compareLines(declareClasses(imported.source, true), imported.structs, new Set());
      const actual = compileAndRun(cc, [
        '#include <stdio.h>',
        '#include <stddef.h>',
        '#include <string.h>',
        header,
        ...BITS_OF_C,
        'int main(void) {',
        ...c,
        'return 0; }',
      ]);
      const first = expected.findIndex((line, k) => line !== actual[k]);
      if (first >= 0) {
        const name = expected[first]!.split(/[ .]/)[0]!;
        const k = names.indexOf(name);
        assert.fail(
          `seed ${seed}: the imported class says '${expected[first]}', gcc '${actual[first]}'\n` +
            (k >= 0 ? `C: ${cSource(records[k]!, name, earlierOf(k))}` : `(class ${name})`),
        );
      }
      assert.equal(actual.length, expected.length);
    });
  }
});
