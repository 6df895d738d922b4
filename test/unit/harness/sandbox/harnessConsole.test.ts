/**
 * `console.log` and its siblings, the first line a newcomer writes: they print in the run's output
 * and in order with LMM's reports (a value not a string as Node's util.inspect prints it, a view as
 * `print` shows it), instead of a TypeError on `console`.
 */
import { strict as assert } from 'node:assert';
import { consoleLine, printedLine } from '../../../../src/harness/api/printedText';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

describe('the harness console', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('log, info, warn, error and debug print as print does, in order with print and LMM’s reports', async () => {
    const run = await probe.run(
      'console.lmm.ts',
      `import { mm_print_memory_usage } from 'lmm-studio';\n${PRELUDE}export default function main() {\n` +
        `  MM_REG_STRUCT(node_t);\n  const a = XCALLOC(1, node_t);\n  a.key = 7;\n` +
        `  console.log('log', 1, a);\n  print('print');\n  console.info('info');\n  mm_print_memory_usage();\n` +
        `  console.warn('warn');\n  console.error('error');\n  console.debug('%d bytes in %s', 16, 'a', 'block');\n` +
        `  print(addressOf(a).toString(16));\n  XFREE(a);\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const lines = run.output.split('\n');
    const at = (text: string) => lines.findIndex((line) => line.startsWith(text));
    // The last line is the block's address, printed by the harness.
    assert.equal(lines[0], `log 1 node_t 0x${lines.at(-2)} {"key":7,"name":"","next":null}`);
    assert.equal(lines[1], 'print');
    assert.equal(lines[2], 'info');
    const report = at('Total Applcation Memory Usage');
    assert.ok(report > 2 && report < at('warn'), run.output);
    assert.ok(at('warn') < at('error') && at('error') < at('16 bytes in a block'), run.output);
  });

  it('dir, table and trace print as log does (trace says so); assert prints only when false and goes on', async () => {
    const run = await probe.run(
      'console-more.lmm.ts',
      `${PRELUDE}export default function main() {\n` +
        `  MM_REG_STRUCT(node_t);\n  const a = XCALLOC(1, node_t);\n  a.key = 3;\n` +
        `  console.dir(a);\n  console.table([1, 2]);\n  console.trace('here', 2);\n` +
        `  console.assert(a.key === 3, 'not shown');\n  console.assert(a.key === 4, 'key is %d', a.key);\n` +
        `  console.assert(false);\n  print('went on');\n  XFREE(a);\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const lines = run.output.split('\n').filter((line) => line !== '');
    assert.match(lines[0]!, /^node_t 0x[0-9a-f]+ \{"key":3,"name":"","next":null\}$/);
    assert.deepEqual(lines.slice(1), ['[ 1, 2 ]', 'Trace: here 2', 'Assertion failed: key is 3', 'Assertion failed', 'went on']);
  });

  it('joins values with spaces, shows a view by struct and address, and takes a first string’s %s %d %i %f %o %j %%', () => {
    assert.equal(consoleLine(['a', 1, 2n, null, undefined, [1, { b: 2 }]]), 'a 1 2n null undefined [ 1, { b: 2 } ]\n');
    assert.equal(
      consoleLine(['%s=%d (%i, %f) %o %j 100%%', 'n', '42', 3.9, '1.5', { x: 1 }, [2]]),
      'n=42 (3, 1.5) { x: 1 } [2] 100%\n',
    );
    assert.equal(consoleLine(['%d %s', 1]), '1 %s\n', 'a directive without a value stays');
    assert.equal(consoleLine(['%c styled', 'color: red', 'more']), ' styled more\n');
    assert.equal(consoleLine([1, '%d', 2]), '1 %d 2\n', 'only a first string formats');
    // print does not format: its values are written as they are.
    assert.equal(printedLine(['%d', 5]), '%d 5\n');
  });

  it('shows an object that contains itself with [Circular] where it recurs, and a shared one twice', () => {
    const cyclic: Record<string, unknown> = { a: 1, big: 2n };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, { up: cyclic }];
    assert.equal(printedLine([cyclic]), '{"a":1,"big":"2n","self":"[Circular]","list":["[Circular]",{"up":"[Circular]"}]}\n');
    const shared = { x: 1 };
    assert.equal(printedLine([{ l: shared, r: shared }]), '{"l":{"x":1},"r":{"x":1}}\n');
  });
});
