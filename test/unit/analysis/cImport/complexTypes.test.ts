/**
 * `_Complex T` is two of T at T's alignment, for every T gcc takes: before, every complex type
 * but float, double and long double was taken as 8 bytes (`_Complex short`, `_Complex char`,
 * `_Complex long`), `_Complex __int128` as a plain __int128, and `_Complex _Float16` was a syntax
 * error; with the built-in preprocessor no compiler caught it.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';

const PARTS = [
  'float',
  'double',
  'long double',
  'short',
  'char',
  'unsigned char',
  'int',
  'unsigned int',
  'long',
  'long long',
  '__int128',
  'unsigned __int128',
  '_Float16',
  '_Float128',
];

const HEADER = [
  ...PARTS.map((part, k) => `struct c${k} { char before; _Complex ${part} z; char after; };`),
  `struct plain { char before; _Complex z; char after; };`,
  `struct gnu { char before; __complex__ short z; char after; };`,
].join('\n');

describe('_Complex of every type gcc takes, against the C compiler', () => {
  it('each struct holding one has the size, alignment and offsets gcc gives', function () {
    const result = importCHeader(HEADER + '\n', 'complex.h');
    assert.deepEqual(
      result.notes.filter((n) => !/has no harness equivalent/.test(n.message)),
      [],
    );
    const ours = result.structs.map((s) => `${s.name} ${s.size} ${s.align} ${s.fields.map((f) => f.offset).join(' ')}`);
    assert.equal(ours.length, PARTS.length + 2);
    const cc = compilerOrSkip(this);
    const dir = mkdtempSync(join(tmpdir(), 'lmm-complex-'));
    try {
      const header = join(dir, 'complex.h');
      writeFileSync(header, HEADER + '\n');
      const names = result.structs.map((s) => s.name);
      const printed = compileAndRun(cc, [
        '#include <stdio.h>',
        '#include <stddef.h>',
        `#include ${JSON.stringify(header)}`,
        'int main(void) {',
        ...names.map(
          (n) =>
            `printf("${n} %zu %zu %zu %zu %zu\\n", sizeof(struct ${n}), __alignof__(struct ${n}), offsetof(struct ${n}, before), offsetof(struct ${n}, z), offsetof(struct ${n}, after));`,
        ),
        'return 0; }',
      ]);
      assert.deepEqual(ours, printed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
