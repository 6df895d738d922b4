/**
 * "The summary says how many structs were written, flagged and dropped": a struct whose
 * definition is refused as gcc refuses it (a bit-field too wide, a flexible array member not
 * last) gets no class, and counts as dropped, one per declaration, however deep the refused
 * member. Before, the summary said `0 dropped` for them, and a header whose only struct was
 * refused ended with `no struct definitions found`.
 */
import { strict as assert } from 'node:assert';
import { importCHeader } from '../../../src/analysis/cImport/importCHeader';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

describe('lmm import-c: refused structs count as dropped', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-import-refused-');

  it('names each refused declaration once, by its outermost struct; a forward declaration is none', () => {
    const result = importCHeader(
      'struct outer { struct inner { int a : 99; } x; int y; };\n' +
        'typedef struct { int b : 0; } anon_t;\n' +
        'struct fine { int z; };\n' +
        'struct later;\n' +
        'union flex { char a[]; int n; };\n',
      'mix.h',
    );
    assert.deepEqual(result.refusedStructs, ['struct outer', 'an anonymous struct', 'union flex']);
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.status]),
      [['fine', 'written']],
    );
  });

  it('the summary counts them as dropped, and the exit status is 1', async () => {
    const header = scratch.write('some.h', 'struct d { int a : 99; };\nstruct ok { int b; };\n');
    const result = await lmm('import-c', header, '--no-cc');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^import-c: 1 struct\(s\) written, 0 flagged, 1 dropped, 1 message\(s\)$/m);
  });

  it('a header whose every struct is refused: exit 2, naming them, not "no struct definitions found"', async () => {
    const header = scratch.write('none.h', 'struct d { int a : 99; };\nstruct e { char f[]; };\n');
    const result = await lmm('import-c', header, '--no-cc');
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^import-c: 0 struct\(s\) written, 0 flagged, 2 dropped, 2 message\(s\)$/m);
    assert.match(result.stderr, /none\.h: no struct could be imported: struct d, struct e refused \(see the messages above\)\n$/);
  });
});
