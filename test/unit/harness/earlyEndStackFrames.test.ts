import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { SarifLog } from '../../../src/analysis/sarif';
import { earlyEndOutcome } from '../../../src/harness/earlyEndOutcome';
import { runHarness } from '../../../src/harness/runHarness';
import { lmm } from '../../support/lmmCli';
import { codeScanningProblems, reportSchemaProblems, sarifSchemaProblems } from '../../support/reportSchemas';
import { scratchFolder } from '../../support/scratchFolder';

/**
 * The stack a run ends with (a crash on a JS error, a rejection main awaited, a stack overflow)
 * obeys memcheck's `--num-callers=N` as an access error's own stack does, as memcheck's "Process
 * terminating" stack keeps N frames: N harness frames, 8 without the option. The worker captures
 * N + 16 frames (to get past the runtime's own into the harness's), and that many used to reach
 * the text, the JSON's `outcome.stack` and the editor's message: 24 with no option.
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');
const deepBacktrace = join(ported, 'deep-backtrace.lmm.ts');

type Site = { file: string; line: number; column: number };
type Outcome = { kind: string; message: string; site?: Site; stack?: Site[] };

/** The lines of the `FILE:LINE:COLUMN` places stderr names for `file`, in order. */
function stderrLines(stderr: string, file: string): number[] {
  return stderr
    .trimEnd()
    .split('\n')
    .filter((line) => line.includes(`${file}:`))
    .map((line) => Number(line.slice(line.indexOf(`${file}:`) + file.length + 1).split(':')[0]));
}

/** `lmm run FILE -q ARGS` as text, JSON and SARIF: the stack each gives of how the run ended. */
async function endingStacks(file: string, ...args: string[]) {
  const text = await lmm('run', file, '-q', ...args);
  const json = JSON.parse((await lmm('run', file, '-q', '--json', ...args)).stdout) as { outcome: Outcome };
  const sarif = JSON.parse((await lmm('run', file, '-q', '--sarif', ...args)).stdout) as SarifLog;
  assert.deepEqual(reportSchemaProblems(json), [], 'the JSON is valid against docs/report.schema.json');
  assert.deepEqual(sarifSchemaProblems(sarif), [], 'the SARIF is valid against SARIF 2.1.0');
  assert.deepEqual(codeScanningProblems(sarif), [], 'code scanning takes the SARIF');
  assert.equal(text.status, 2, text.stderr);
  const outcome = json.outcome;
  return { text: stderrLines(text.stderr, file), outcome, json: (outcome.stack ?? []).map((s) => s.line) };
}

describe('the stack a run ends with keeps --num-callers frames, as every other stack does', function () {
  this.timeout(120_000);

  // deep-backtrace: f1 (line 7) reads through null, called by f2 (8) … f498 (504), then main (506).
  const deepFrames = (n: number) => [...Array.from({ length: 498 }, (_, i) => 7 + i), 506].slice(0, n);

  for (const [args, kept] of [
    [['--num-callers=1'], 1],
    [['--num-callers=3'], 3],
    [[], 8],
    [['--num-callers=12'], 12],
    [['--num-callers=500'], 499],
  ] as const) {
    it(`deep-backtrace's TypeError ${args.length > 0 ? `with ${args[0]}` : 'with no option'}: text and JSON keep ${kept} of its frames`, async () => {
      const { text, json, outcome } = await endingStacks(deepBacktrace, ...args);
      assert.equal(outcome.kind, 'crashed');
      assert.match(outcome.message, /TypeError: Cannot read properties of null \(reading 'v'\)/);
      assert.deepEqual(text, deepFrames(kept), 'stderr');
      assert.deepEqual(json, deepFrames(kept), 'JSON outcome.stack');
      assert.equal(outcome.site?.line, 7);
    });
  }

  const scratch = scratchFolder('lmm-ending-stack-');
  // 600 calls deep: more than the most --num-callers keeps (500) and than V8 captures then (516).
  const deepThrow = scratch.write(
    'deep-throw.lmm.ts',
    [
      'function down(n: number): number {',
      "  if (n === 0) throw new Error('bottom');",
      '  return down(n - 1) + 1;',
      '}',
      'export default function main(): number {',
      '  return down(600);',
      '}',
      '',
    ].join('\n'),
  );

  it('a throw 600 calls deep with --num-callers=500: 500 frames, the throw then its callers', async () => {
    const { text, json } = await endingStacks(deepThrow, '--num-callers=500');
    const expected = [2, ...Array<number>(499).fill(3)];
    assert.deepEqual(text, expected);
    assert.deepEqual(json, expected);
  });

  it('a throw inside an async main, after an await: N frames at the throw', async () => {
    const file = scratch.write(
      'async-main.lmm.ts',
      [
        'function down(n: number): number {',
        "  if (n === 0) throw new Error('bottom');",
        '  return down(n - 1) + 1;',
        '}',
        'export default async function main(): Promise<void> {',
        '  await Promise.resolve();',
        '  down(30);',
        '}',
        '',
      ].join('\n'),
    );
    for (const [args, kept] of [
      [['--num-callers=3'], 3],
      [[], 8],
    ] as const) {
      const { text, json, outcome } = await endingStacks(file, ...args);
      assert.equal(outcome.kind, 'crashed');
      assert.deepEqual(text, [2, ...Array<number>(kept - 1).fill(3)]);
      assert.deepEqual(json, text);
    }
  });

  it('a rejection an async main awaits, made 30 async calls deep: N frames at the rejection', async () => {
    const file = scratch.write(
      'rejection.lmm.ts',
      [
        'async function down(n: number): Promise<number> {',
        "  if (n === 0) return Promise.reject(new Error('rejected'));",
        '  return (await down(n - 1)) + 1;',
        '}',
        'export default async function main(): Promise<void> {',
        '  await down(30);',
        '}',
        '',
      ].join('\n'),
    );
    const { text, json, outcome } = await endingStacks(file, '--num-callers=2');
    assert.equal(outcome.kind, 'crashed');
    assert.match(outcome.message, /Error: rejected/);
    assert.deepEqual(text, [2, 3]);
    assert.deepEqual(json, [2, 3]);
  });

  it('a stack overflow (RangeError): N frames, all at the recursive call', async () => {
    const file = scratch.write(
      'overflow.lmm.ts',
      [
        'function down(n: number): number {',
        '  return down(n + 1) + 1;',
        '}',
        'export default function main(): number {',
        '  return down(0);',
        '}',
        '',
      ].join('\n'),
    );
    for (const [args, kept] of [
      [['--num-callers=3'], 3],
      [[], 8],
      [['--num-callers=500'], 500],
    ] as const) {
      const { text, json, outcome } = await endingStacks(file, ...args);
      assert.equal(outcome.kind, 'crashed');
      assert.match(outcome.message, /RangeError: Maximum call stack size exceeded/);
      assert.deepEqual(text, Array<number>(kept).fill(2));
      assert.deepEqual(json, text);
    }
  });

  it("the extension's ending (its run state, the editor's run-failed message) keeps N frames too", async () => {
    const result = await runHarness(deepBacktrace, { numCallers: 4 }).result;
    const ending = earlyEndOutcome(result, deepBacktrace);
    assert.deepEqual(
      ending.stack?.map((s) => s.line),
      deepFrames(4),
    );
    assert.deepEqual(stderrLines(ending.message, deepBacktrace), deepFrames(4));
  });
});
