import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeakKind } from '../../../src/analysis/leakKinds';
import { parseMemcheckOutput, recordsInSiteOrder, recordText, type Summary } from './memcheckOutput';
import { portedPrograms } from './portedExpectations';

/**
 * Re-checks the recorded memcheck figures of the ported C programs with the real tools: each
 * `test/fixtures/ported/NAME.c` is compiled with gcc -O0 -g and run under `valgrind
 * --leak-check=full --show-leak-kinds=all --num-callers=9`; every LEAK SUMMARY, the loss records
 * at exit, the memory errors (kind, C line, allocating C line), the total heap usage and the ERROR SUMMARY's errors and contexts must be the ones
 * `portedExpectations.ts` holds as memcheck's. Skipped, saying why, when gcc or valgrind (or valgrind's memcheck.h, for the
 * programs making leak checks mid-run) is not installed: the recorded figures are still checked
 * against our runs by `portedPrograms.test.ts`.
 */
const KINDS: LeakKind[] = ['definitely-lost', 'indirectly-lost', 'possibly-lost', 'still-reachable'];
const summaryText = (summary: Summary): string => KINDS.map((kind) => summary[kind].join('/')).join(' ');

const found = (command: string, args: string[]): boolean => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

describe('the recorded memcheck figures of the ported C programs are what valgrind says (gcc -O0, valgrind --leak-check=full)', function () {
  this.timeout(120_000);
  const gcc = found('gcc', ['--version']);
  const valgrind = found('valgrind', ['--version']);
  let dir: string;
  before(function () {
    if (!gcc || !valgrind) {
      console.log(`    (skipped: ${!gcc ? 'gcc' : 'valgrind'} is not on PATH)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'lmm-ported-memcheck-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, expected] of Object.entries(portedPrograms)) {
    it(`${name}.c`, function () {
      const source = join(ported, `${name}.c`);
      const binary = join(dir, name);
      const compiled = spawnSync('gcc', ['-O0', '-g', '-w', '-o', binary, source], { encoding: 'utf8' });
      if (compiled.status !== 0 && /valgrind\/memcheck\.h/.test(compiled.stderr)) {
        console.log(`    (skipped: ${name}.c needs valgrind's memcheck.h for its mid-run leak checks)`);
        this.skip();
      }
      assert.equal(compiled.status, 0, compiled.stderr);
      // LMM keeps a stack's 8 innermost harness frames; with malloc's own frame, memcheck's
      // --num-callers=9 groups the loss records of deep (recursive) stacks alike.
      const run = spawnSync('valgrind', ['--leak-check=full', '--show-leak-kinds=all', '--num-callers=9', binary], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const memcheck = parseMemcheckOutput(run.stderr, `${name}.c`);
      assert.deepEqual(memcheck.summaries.map(summaryText), expected.summaries, 'every LEAK SUMMARY, the one at exit last');
      const records = recordsInSiteOrder(
        memcheck.records.map((record) => ({
          text: recordText(record.kind, record.bytes, record.blocks, record.indirect),
          lines: record.lines,
        })),
      );
      assert.deepEqual(records, expected.records, 'loss records at exit, in the order of their allocating lines');
      assert.deepEqual(
        memcheck.errors,
        expected.errors.map((error) => ({
          kind: error.kind,
          line: error.cLine,
          ...(error.cAllocLine === undefined ? {} : { allocLine: error.cAllocLine }),
        })),
        'memory errors',
      );
      const errorSummary = /ERROR SUMMARY: ([\d,]+) errors? from ([\d,]+) contexts?/.exec(run.stderr);
      assert.ok(errorSummary, 'valgrind printed an ERROR SUMMARY');
      assert.equal(Number(errorSummary[1]!.replace(/,/g, '')), expected.errorSummary, 'ERROR SUMMARY');
      assert.equal(
        Number(errorSummary[2]!.replace(/,/g, '')),
        expected.errorContexts ?? expected.errorSummary,
        'ERROR SUMMARY contexts',
      );
      assert.equal(/total heap usage: (.*)/.exec(run.stderr)?.[1], expected.heapUsage, 'total heap usage');
    });
  }
});
