/**
 * The language server lays out every struct it reads as the user types: an array of 2^53 - 1
 * elements must be sized at once. Before, `@array(u64, 9007199254740991)` listed pointer offsets
 * element by element (none to list) and the server never answered again.
 */
import { strict as assert } from 'node:assert';
import { arraySpec } from '../../../src/analysis/cLayout';
import { scanHarnessSafely } from '../../../src/server/harnessScan';

describe('the language server on structs larger than any page', function () {
  this.timeout(20_000);

  it('u64[2^53 - 1] and u8[2^53 - 1] fields are sized at once', () => {
    for (const field of ['@array(u64, 9007199254740991) x!: unknown;', '@array(u8, 9007199254740991) x!: unknown;']) {
      const started = Date.now();
      const { scan } = scanHarnessSafely(
        `import { struct, u8, u64, array } from 'lmm-studio';\n@struct class a_t { ${field} }\n`,
        'huge.lmm.ts',
      );
      assert.ok(Date.now() - started < 2_000, `${field}: ${Date.now() - started} ms`);
      assert.equal(scan.structs.length, 1);
    }
  });

  it('an array of pointers keeps its offsets while the struct fits the largest page, and lists none past it', () => {
    const pointer = { name: 'p', type: 'void *', size: 8, align: 8, pointerOffsets: [0] };
    assert.deepEqual(arraySpec('a', pointer, 3).pointerOffsets, [0, 8, 16]);
    assert.equal(arraySpec('a', pointer, 2 ** 15).pointerOffsets!.length, 2 ** 15, 'exactly 256 KiB: every pointer');
    assert.deepEqual(arraySpec('a', pointer, 2 ** 40).pointerOffsets, []);
  });
});
