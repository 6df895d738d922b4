import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harnessReportOutput } from '../../../src/harness/harnessReportOutput';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { CLASSIC_TEXT_CHUNK_CHARS } from '../../../src/harness/sandbox/finishRun';

/**
 * The classic reports are a line per page and per block (60 MB of text for a full 1 GiB heap of
 * page-sized blocks), and only `lmm run`'s text output prints them: a run writes them when asked.
 */
describe('the classic text reports are written only for a run that asks for them', function () {
  this.timeout(60_000);
  const example = join(__dirname, '..', '..', '..', 'examples', 'error-out-of-memory.lmm.ts');

  it('a run not asked for them (JSON, SARIF, VS Code) has none, and its JSON report is the same', async () => {
    const without = await runHarnessFile(example);
    const withText = await runHarnessFile(example, { classicText: true });
    assert.equal(without.outcome, 'completed', without.message);
    assert.equal(without.finished!.classicText, undefined);
    assert.equal(harnessReportOutput(without.finished!, 'json'), harnessReportOutput(withText.finished!, 'json'));
    assert.equal(harnessReportOutput(without.finished!, 'sarif'), harnessReportOutput(withText.finished!, 'sarif'));
    assert.throws(() => harnessReportOutput(without.finished!, 'text'), /classicText: true/);
  });

  it('a run asked for them has them: its families, then its pages and totals', async () => {
    const result = await runHarnessFile(example, { classicText: true });
    assert.equal(result.outcome, 'completed', result.message);
    const text = result.finished!.classicText!;
    assert.match(text, /^Page Family : chunk_t, Size = 1008\n/);
    // The harness frees every chunk: the registry's page is the only one left.
    assert.match(text, /# Of VM Pages in Use : 0 \(0 Bytes\)/);
  });

  it('a heap whose reports are many chunks long streams them in chunks, none longer than CLASSIC_TEXT_CHUNK_CHARS', async () => {
    // 16 MiB of simulated memory filled with page-sized blocks: a line per page and per block.
    const dir = mkdtempSync(join(tmpdir(), 'lmm-classic-chunks-'));
    try {
      const file = join(dir, 'fill.lmm.ts');
      writeFileSync(
        file,
        `import { struct, array, u32, mm_init, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class page_t { @array(u32, 1000) data!: number[]; }
export default function main() {
  mm_init({ memoryCap: 16 * 2 ** 20 });
  MM_REG_STRUCT(page_t);
  while (XCALLOC(1, page_t) !== null);
}
`,
      );
      const chunks: string[] = [];
      const streamed = await runHarnessFile(file, { classicText: true, onClassicText: (chunk) => chunks.push(chunk) });
      assert.equal(streamed.outcome, 'completed', streamed.message);
      // The chunks went to the caller alone: no joined copy beside them.
      assert.equal(streamed.finished!.classicText, undefined);
      for (const chunk of chunks) assert.ok(chunk.length <= CLASSIC_TEXT_CHUNK_CHARS, `a chunk of ${chunk.length}`);
      assert.ok(chunks.length > 3, `${chunks.length} chunks`);
      // The same run without the hook: the parent joins the same chunks.
      const joined = await runHarnessFile(file, { classicText: true });
      const text = joined.finished!.classicText!;
      assert.equal(chunks.join(''), text);
      // Every mapped page but the registry's holds one block (4,000 bytes and its meta data).
      assert.equal(text.match(/\tPage Index : /g)?.length, 16 * 256 - 1);
      assert.ok(text.length > 3 * CLASSIC_TEXT_CHUNK_CHARS, `${text.length} characters`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
