import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { runHarnessFile } from '../../../src/harness/runHarness';

/** examples/pointer-variables.lmm.ts does what its comments say. */
describe('examples/pointer-variables.lmm.ts: globals, locals and realloc', function () {
  this.timeout(60_000);
  it('the local index is reachable in its scope, definitely lost after it; the global list stays reachable', async () => {
    let output = '';
    const result = await runHarnessFile(join(__dirname, '..', '..', '..', 'examples', 'pointer-variables.lmm.ts'), {
      onOutput: (text) => (output += text),
    });
    assert.equal(result.outcome, 'completed', result.message);
    assert.equal(output, 'while the index is in scope: 0 block(s) definitely lost\nindex of 4 …\n');
    const report = result.finished!.report;
    assert.deepEqual(report.errors, [], 'XFREE(null) is no error');
    assert.deepEqual(
      report.leaks.map((l) => [l.kind, l.struct, l.blocks, l.bytes, l.rootPath.map((s) => s.field).join(' → ')]),
      [
        ['definitely-lost', 'slot_t', 1, 32, ''],
        ['still-reachable', 'item_t', 3, 48, 'global head → next → next'],
      ],
    );
    // The index grew by XREALLOC one slot at a time: 4 allocations, 3 of them freed by the moves.
    const slots = report.sites.filter((s) => s.struct === 'slot_t');
    assert.equal(
      slots.reduce((n, s) => n + s.allocated, 0),
      4,
    );
    assert.equal(
      slots.reduce((n, s) => n + s.freed, 0),
      3,
    );
  });
});
