import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { createHarnessRunner } from '../../../src/extension/harnessRunner';

// Prints, LMM's reports and heap calls interleaved: the sink must hear the text in the program's
// order, and hear the first lines while the run still goes on.
const HARNESS = `import { struct, u32, MM_REG_STRUCT, XCALLOC, print, mm_print_memory_usage } from 'lmm-studio';
@struct class leaf_t { @u32 value!: number; }
export default function main() {
  MM_REG_STRUCT(leaf_t);
  print('first line', 1, { a: 2 });
  XCALLOC(1, leaf_t);
  mm_print_memory_usage();
  const started = Date.now();
  while (Date.now() - started < 800) {}
  print('last line');
}
`;

describe('the extension’s harness runner: what the program prints', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-runner-output-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reaches the sink in order, the first lines while the run goes on', async () => {
    const file = join(dir, 'printer.lmm.ts');
    writeFileSync(file, HARNESS);
    const log = { appendLine: () => undefined } as unknown as vscode.OutputChannel;
    const runner = createHarnessRunner({} as vscode.ExtensionContext, log);
    const heard: { text: string; at: number }[] = [];
    const handle = runner.start(
      file,
      { timeLimitMs: 10_000, pageSize: 4096 },
      { sites: () => undefined, batch: () => undefined, output: (text) => heard.push({ text, at: Date.now() }) },
    );
    const outcome = await handle.done;
    const ended = Date.now();
    assert.equal(outcome.status, 'finished', outcome.message);
    const text = heard.map((h) => h.text).join('');
    assert.ok(text.startsWith('first line 1'), text);
    assert.match(text, /leaf_t/, 'mm_print_memory_usage names the family');
    assert.ok(text.indexOf('leaf_t') < text.indexOf('last line'), text);
    assert.ok(text.endsWith('last line\n'), text);
    // The harness spins 800 ms after its first print.
    assert.ok(ended - heard[0]!.at >= 500, `the first line came ${ended - heard[0]!.at} ms before the run ended`);
  });
});
