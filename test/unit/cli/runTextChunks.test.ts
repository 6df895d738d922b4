import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTextReport } from '../../../src/analysis/textReport';
import { main } from '../../../src/cli/lmm';
import { endsWithBlankLine } from '../../../src/cli/runCommand';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { CLASSIC_TEXT_CHUNK_CHARS } from '../../../src/harness/sandbox/finishRun';

/**
 * `lmm run`'s text output writes the classic reports in the chunks the worker streamed them in
 * (60 MB for a full 1 GiB heap), never joined into one string, and prints the same bytes as the
 * text report made from them joined.
 */
describe('lmm run writes the classic reports as the chunks they came in', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-run-chunks-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A harness that fills 16 MiB of simulated memory with page-sized blocks, then `ending`. */
  const fill = (name: string, ending: string): string => {
    const file = join(dir, name);
    writeFileSync(
      file,
      `import { struct, array, u32, mm_init, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class page_t { @array(u32, 1000) data!: number[]; }
export default function main() {
  mm_init({ memoryCap: 16 * 2 ** 20 });
  MM_REG_STRUCT(page_t);
  while (XCALLOC(1, page_t) !== null);
  ${ending}
}
`,
    );
    return file;
  };

  const run = async (...argv: string[]) => {
    const writes: string[] = [];
    const status = await main(argv, { stdout: (t) => writes.push(t), stderr: () => undefined });
    return { status, writes, stdout: writes.join('') };
  };

  it('a finished run: the same text as the report of the joined classic text, no write longer than a chunk', async () => {
    const file = fill('finished.lmm.ts', '');
    const { status, writes, stdout } = await run('run', file);
    assert.equal(status, 0);
    const result = await runHarnessFile(file, { classicText: true });
    const classic = result.finished!.classicText!;
    assert.ok(classic.length > 3 * CLASSIC_TEXT_CHUNK_CHARS, `${classic.length} characters`);
    assert.equal(stdout, formatTextReport(result.finished!.report, classic));
    for (const text of writes) assert.ok(text.length <= CLASSIC_TEXT_CHUNK_CHARS, `a write of ${text.length} characters`);
  });

  it('a run that ended early: the report of the heap when it ended, then the line that says so', async () => {
    const file = fill('throws.lmm.ts', "throw new Error('stop here');");
    const { status, writes, stdout } = await run('run', file);
    assert.equal(status, 2);
    const result = await runHarnessFile(file, { classicText: true });
    assert.equal(result.outcome, 'crashed');
    const report = formatTextReport(result.finished!.report, result.finished!.classicText!, false);
    assert.equal(stdout, `${report}\nThe run did not complete (crashed): the report above is the heap when it ended.\n`);
    for (const text of writes) assert.ok(text.length <= CLASSIC_TEXT_CHUNK_CHARS, `a write of ${text.length} characters`);
  });

  it('endsWithBlankLine reads the end of the text across its last two chunks', () => {
    assert.equal(endsWithBlankLine(['a\n\n']), true);
    assert.equal(endsWithBlankLine(['a\n', '\n']), true);
    assert.equal(endsWithBlankLine(['a\n\n', 'b\n']), false);
    assert.equal(endsWithBlankLine(['x', '\n']), false);
    assert.equal(endsWithBlankLine(['\n']), false);
    assert.equal(endsWithBlankLine([]), false);
  });
});
