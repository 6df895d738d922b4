// A store to an element (`g[0].marks[4] = 99`) is placed by V8 where its position maps back to the
// `]`, so its error was shown there (and an editor underlined the rest of the line), while a read
// of the same element names `marks`. The locator moves the store's site to where the read's is.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarnessFile } from '../../../src/harness/runHarness';

const HARNESS = `import { struct, array, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class g_t {
  @array(u32, 4) marks!: number[];
  @u32 x!: number;
}

export default function main(): void {
  MM_REG_STRUCT(g_t);
  const g = XCALLOC(2, g_t);
  g[0].marks[4] = 99;
  const a = g[0].marks[4];
  const m = g[1].marks;
  m[5] = 1;
  const b = m[5];
  g[0]!.marks[6] += 2;
  (g[3]!).x = a! + b!;
  XFREE(g);
}
`;

describe('an element store’s error names the column a read of that element names', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'lmm-element-store-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('g[0].marks[4] = 99 at `marks`, m[5] = 1 at `m`, a compound store too; a read and a named store unchanged', async () => {
    const file = join(dir, 'stores.lmm.ts');
    writeFileSync(file, HARNESS);
    const result = await runHarnessFile(file, {});
    assert.equal(result.outcome, 'completed', result.message);
    const lines = HARNESS.split('\n');
    const found = result.finished!.report.errors.map((e) => {
      const text = lines[e.site.line - 1]!;
      return `${e.site.line}:${e.site.column} ${text.slice(e.site.column - 1, e.site.column + 4)}`;
    });
    assert.deepEqual(found, [
      '12:8 marks', // the store: was 12:15, the `]`
      '13:18 marks', // the read of the same element
      '15:3 m[5] ', // the store through a variable: was 15:6
      '16:13 m[5];',
      '17:9 marks', // `+=`: its store was at the `]` too (its read is the same error, counted once)
      '18:11 x = a', // a named store: at the field, as before
    ]);
  });
});
