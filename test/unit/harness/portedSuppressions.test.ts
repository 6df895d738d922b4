import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memcheckErrorSummary } from '../../../src/analysis/textReport';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { lmm } from '../../support/lmmCli';

/**
 * memcheck's suppfree: a double free five calls deep, run with suppressions that each differ from
 * its stack in one frame (a wrong function, a frame too many in the middle, one beyond main after
 * `...`, another object), so the error is still reported. Ours are `suppfree.lmmsupp` beside the
 * port; each, with its one frame put right, must suppress the error, so that the file is shown to
 * be read and each entry to miss by that frame alone.
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');
const harness = join(ported, 'suppfree.lmm.ts');
const suppFile = join(ported, 'suppfree.lmmsupp');
const suppText = readFileSync(suppFile, 'utf8');

/** The entry named `name`, its comments left out, with the frame lines changed by `fix`. */
function entry(name: string, fix: (frames: string[]) => string[]): string {
  const start = suppText.indexOf(`{\n   ${name}\n`);
  assert.ok(start >= 0, `no ${name} in suppfree.lmmsupp`);
  const lines = suppText
    .slice(start, suppText.indexOf('}', start) + 1)
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'));
  const frames = lines.slice(3, -1).map((line) => line.trim());
  return [...lines.slice(0, 3), ...fix(frames).map((frame) => `   ${frame}`), '}'].join('\n') + '\n';
}

async function suppressed(text: string): Promise<number> {
  const result = await runHarnessFile(harness, { suppressions: { text, file: suppFile } });
  assert.equal(result.outcome, 'completed', result.message);
  const summary = memcheckErrorSummary(result.finished!.report);
  assert.equal(summary.errors + summary.suppressed, 2, 'the double free and the lost block');
  return summary.suppressed;
}

const replace = (from: string, to: string) => (frames: string[]) => frames.map((frame) => (frame === from ? to : frame));
const drop =
  (which: string, last = false) =>
  (frames: string[]) => {
    const at = last ? frames.lastIndexOf(which) : frames.indexOf(which);
    assert.ok(at >= 0, which);
    return frames.filter((_, i) => i !== at);
  };

describe("memcheck's suppfree: suppressions one frame away from a double free's stack do not suppress it", function () {
  this.timeout(60_000);

  it('none of suppfree.lmmsupp suppresses the double free', async () => {
    assert.equal(await suppressed(suppText), 0);
  });

  const fixes: [name: string, what: string, fix: (frames: string[]) => string[]][] = [
    [
      'nonmatching1',
      'the innermost frame on the double free, not the first free',
      replace('src:suppfree.lmm.ts:6', 'src:suppfree.lmm.ts:7'),
    ],
    ['nonmatching2', "ccc's frame on its call", replace('src:suppfree.lmm.ts:10', 'src:suppfree.lmm.ts:11')],
    ['nonmatching3', 'the frame the stack does not have taken out', drop('src:xxxxxxxx.lmm.ts')],
    ['nonmatching4', 'the frame beyond main taken out', drop('src:suppfree.lmm.ts', true)],
    ['nonmatching5', "ccc's file in place of another", replace('src:nonmatching.lmm.ts', 'src:suppfree.lmm.ts:11')],
  ];
  for (const [name, what, fix] of fixes) {
    it(`${name} suppresses it with ${what}`, async () => {
      assert.equal(await suppressed(entry(name, (frames) => frames)), 0, `${name} as it is`);
      assert.equal(await suppressed(entry(name, fix)), 1, `${name} put right`);
    });
  }
});

/**
 * memcheck's nanoleak_supp: a block lost when main returns, suppressed by nanoleak.supp (its
 * malloc frame a wildcard, `fun:m?lloc`); ours is `nanoleak_supp.lmmsupp` beside the port (its
 * line a wildcard), which `lmm run` reads. Valgrind 3.19 says "suppressed: 1,000 bytes in 1
 * blocks" and "ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 1 from 1)".
 */
describe("memcheck's nanoleak_supp: a suppression beside the harness takes a definitely lost block", function () {
  this.timeout(120_000);
  const nanoleak = join(ported, 'nanoleak_supp.lmm.ts');

  it('lmm run reads nanoleak_supp.lmmsupp beside the harness: the 1,000 bytes are suppressed, no error is left', async () => {
    const run = await lmm('run', nanoleak);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /definitely lost: 0 bytes in 0 blocks/);
    assert.match(run.stdout, /suppressed: 1,000 bytes in 1 block\b/);
    assert.match(run.stdout, /ERROR SUMMARY: 0 errors from 0 contexts \(suppressed: 1\)/);
    assert.equal((await lmm('run', nanoleak, '--fail-on', 'definite')).status, 0, 'suppressed: no verdict against it');
  });

  it('valgrind with nanoleak_supp.supp says the same of nanoleak_supp.c', function () {
    const found = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
    if (!found('gcc') || !found('valgrind')) {
      console.log(`    (skipped: ${found('gcc') ? 'valgrind' : 'gcc'} is not on PATH)`);
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'lmm-nanoleak-'));
    try {
      const binary = join(dir, 'nanoleak_supp');
      const compiled = spawnSync('gcc', ['-O0', '-g', '-w', '-o', binary, join(ported, 'nanoleak_supp.c')], { encoding: 'utf8' });
      assert.equal(compiled.status, 0, compiled.stderr);
      const run = spawnSync('valgrind', ['--leak-check=full', `--suppressions=${join(ported, 'nanoleak_supp.supp')}`, binary], {
        encoding: 'utf8',
      });
      assert.match(run.stderr, /definitely lost: 0 bytes in 0 blocks/);
      assert.match(run.stderr, /suppressed: 1,000 bytes in 1 blocks/);
      assert.match(run.stderr, /ERROR SUMMARY: 0 errors from 0 contexts \(suppressed: 1 from 1\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
