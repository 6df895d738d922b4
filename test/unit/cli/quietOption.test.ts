/**
 * `lmm run -q` (`--quiet`), memcheck's `-q`: the text report keeps the errors alone, the loss records
 * a check lists and the memory errors, and leaves out what valgrind 3.19 leaves out under `-q` (its
 * banner, HEAP SUMMARY, LEAK SUMMARY and the lines after it, "All heap blocks were freed", the
 * ERROR SUMMARY) and LMM's own lines that are no error (the classic reports, PEAK, HINTS, the
 * mid-run checks' headings). JSON and SARIF are the same documents with or without it. Its output
 * against valgrind's own for ported programs: test/unit/harness/portedQuiet.test.ts.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';
import { scratchFolder } from '../../support/scratchFolder';

const ported = join(__dirname, '..', '..', 'fixtures', 'ported');
const trivialleak = join(ported, 'trivialleak.lmm.ts');
const doublefree = join(ported, 'doublefree.lmm.ts');
const leakCases = join(ported, 'leak-cases.lmm.ts');

/** Lines that only the full report prints. */
const NOT_QUIET =
  /^(HEAP SUMMARY:|LEAK SUMMARY:|ERROR SUMMARY:|All heap blocks were freed|PEAK:|HINTS|Page Size|Rerun with|Reachable blocks|No leak check ran|leak check at |used suppression)/m;

describe('lmm run -q: the errors alone, as memcheck -q prints them', function () {
  this.timeout(60_000);
  const { write } = scratchFolder('lmm-quiet-');

  it('a leak: its loss record and stack, then nothing (no classic report, no summaries, no PEAK or HINTS)', async () => {
    const r = await lmm('run', trivialleak, '-q');
    assert.equal(r.status, 0);
    const file = trivialleak;
    assert.equal(
      r.stdout,
      '1,000 bytes in 1,000 blocks are definitely lost in loss record 1 of 1 (buf)\n' +
        `   at ${file}:9:18\n` +
        `   by ${file}:14:3\n\n`,
    );
    const full = await lmm('run', trivialleak);
    assert.match(full.stdout, NOT_QUIET, 'the full report has the lines -q leaves out');
    assert.ok(full.stdout.includes(r.stdout), "-q's lines are the full report's, unchanged");
  });

  it('a memory error: its lines alone', async () => {
    const r = await lmm('run', doublefree, '--quiet');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^double-free: double free: the 177-byte buffer/);
    assert.doesNotMatch(r.stdout, NOT_QUIET);
    assert.equal(r.stdout.split('\n\n').length, 2, 'one paragraph and its blank line');
  });

  it('nothing to say is an empty report: every block freed and no error, or --leak-check=summary and =no', async () => {
    const clean = write('clean.lmm.ts', nodeHarness('XFREE(XCALLOC(1, node_t)!);'));
    const r = await lmm('run', clean, '-q');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.equal((await lmm('run', leakCases, '-q', '--leak-check=summary')).stdout, '');
    assert.equal((await lmm('run', leakCases, '-q', '--leak-check=no')).stdout, '');
  });

  it('--show-leak-kinds picks the records as it does without -q (memcheck -q prints a shown still reachable record)', async () => {
    const headers = (stdout: string) => stdout.split('\n').filter((line) => line.includes(' in loss record '));
    const all = await lmm('run', leakCases, '-q');
    assert.equal(headers(all.stdout).length, 15);
    const kinds = await lmm('run', leakCases, '-q', '--show-leak-kinds=definite,possible');
    assert.equal(headers(kinds.stdout).length, 9);
    assert.deepEqual(headers(kinds.stdout), headers((await lmm('run', leakCases, '--show-leak-kinds=definite,possible')).stdout));
  });

  it('a mid-run check prints its records without its heading or LEAK SUMMARY; one with no record shown prints nothing', async () => {
    const file = write(
      'checks.lmm.ts',
      nodeHarness('XCALLOC(1, node_t);', 'mm_leak_check();', 'mm_leak_check();').replace('XFREE }', 'XFREE, mm_leak_check }'),
    );
    const r = await lmm('run', file, '-q', '--show-leak-kinds=definite', '--leak-check=summary');
    assert.equal(r.status, 0);
    const headers = r.stdout.split('\n').filter((line) => line.includes(' in loss record '));
    assert.deepEqual(headers, Array(2).fill('4 bytes in 1 block are definitely lost in loss record 1 of 1 (node_t)'));
    assert.doesNotMatch(r.stdout, NOT_QUIET);
    const none = await lmm('run', file, '-q', '--show-leak-kinds=none');
    assert.equal(none.stdout, '');
  });

  it('a run that ended early still says so after its records', async () => {
    const file = write('throws.lmm.ts', nodeHarness('XCALLOC(1, node_t);', "throw new Error('boom');"));
    const r = await lmm('run', file, '-q');
    assert.equal(r.status, 2);
    assert.match(r.stdout, /^4 bytes in 1 block are definitely lost in loss record 1 of 1 \(node_t\)\n/);
    assert.doesNotMatch(r.stdout, NOT_QUIET);
    assert.match(r.stdout, /\nThe run did not complete \(crashed\): the report above is the heap when it ended\.\n$/);
    assert.match(r.stderr, /Error: boom/);
  });

  it('JSON and SARIF are the same documents with -q', async () => {
    for (const format of ['--json', '--sarif']) {
      const quiet = await lmm('run', leakCases, format, '-q');
      const loud = await lmm('run', leakCases, format);
      assert.equal(quiet.status, 0);
      const strip = (text: string) => text.replace(/"(durationMs|startTimeUtc|endTimeUtc|elapsedMs)": ?[^,}\n]+/g, '');
      assert.equal(strip(quiet.stdout), strip(loud.stdout), format);
    }
  });

  it('takes no value, and is the same given twice (a .vgtest says it, and so may its user)', async () => {
    const r = await lmm('run', trivialleak, '--quiet=yes');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^lmm run: --quiet: takes no value\n/);
    assert.equal((await lmm('run', trivialleak, '-q', '--quiet')).stdout, (await lmm('run', trivialleak, '-q')).stdout);
  });
});
