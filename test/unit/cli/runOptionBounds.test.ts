/**
 * `lmm run`'s options at their bounds, as the README gives them: `--time-limit` at most
 * 2,147,483,647 ms, `--memory-limit` at least 64 MB, a page size from 128 to 262,144 bytes,
 * `--json | --sarif`, memcheck's words for `--fail-on`, and `lmm VERB --help`. Each limit is tried
 * at the limit (the run starts) and one past it (exit 2, `lmm run: --option: what is wrong`,
 * nothing on stdout). Before, `--json --json` was refused as if it asked for SARIF too, and an
 * empty `--suppressions=` was read as a file named '' (`: cannot read: no such file`).
 */
import { strict as assert } from 'node:assert';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

describe('lmm run: options at their bounds', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-run-bounds-');
  let harness: string;
  before(() => {
    harness = scratch.write('empty.lmm.ts', 'export default function main() {}\n');
  });

  const refused: [string[], string][] = [
    [['--time-limit', '2147483648'], 'lmm run: --time-limit: 2147483648 is more than the largest, 2147483647 milliseconds\n'],
    [['--memory-limit', '63'], 'lmm run: --memory-limit: 63 MB is too little to start a run (at least 64)\n'],
    [['--memory-limit', '1048577'], 'lmm run: --memory-limit: 1048577 is more than the largest, 1048576 megabytes\n'],
    [['--page-size', '120'], 'lmm run: --page-size: page size must be a multiple of 8 from 128 to 262144, not 120\n'],
    [['--page-size', '262152'], 'lmm run: --page-size: page size must be a multiple of 8 from 128 to 262144, not 262152\n'],
    [['--json', '--sarif'], 'lmm run: --sarif: cannot go with --json (choose one of --json and --sarif)\n'],
    [['--sarif', '--json'], 'lmm run: --json: cannot go with --sarif (choose one of --json and --sarif)\n'],
    [['--suppressions='], 'lmm run: --suppressions: needs a value\n'],
    [['--suppressions', ''], 'lmm run: --suppressions: needs a value\n'],
    [['--fail-on', '--json'], 'lmm run: --fail-on: needs a value\n'],
  ];
  for (const [args, message] of refused) {
    it(`refuses ${args.map((a) => JSON.stringify(a)).join(' ')}: exit 2, one line saying why, nothing on stdout`, async () => {
      const result = await lmm('run', harness, ...args);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.split('usage: lmm run ')[0], message);
    });
  }

  it('runs at each limit: --time-limit 2147483647, --memory-limit 64, page sizes 128 and 262144', async () => {
    for (const [args, pageSize] of [
      [['--time-limit', '2147483647', '--memory-limit', '64', '--page-size', '128'], 128],
      [['--memory-limit=64', '--page-size=262144'], 262144],
    ] as const) {
      const result = await lmm('run', harness, '--json', ...args);
      assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
      const report = JSON.parse(result.stdout) as { complete: boolean; pageSize: number };
      assert.equal(report.complete, true);
      assert.equal(report.pageSize, pageSize);
    }
  });

  it('--json twice (or --sarif twice) asks for one document, not for two formats', async () => {
    const json = await lmm('run', harness, '--json', '--json');
    assert.equal(json.status, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { complete: boolean }).complete, true);
    const sarif = await lmm('run', harness, '--sarif', '--sarif');
    assert.equal(sarif.status, 0, sarif.stderr);
    assert.equal((JSON.parse(sarif.stdout) as { version: string }).version, '2.1.0');
  });

  it("--fail-on takes memcheck's words and LMM's, `leak` and `error`, in one list", async () => {
    const result = await lmm('run', harness, '--fail-on=definite,indirect,possible,reachable,leak,error,still-reachable');
    assert.equal(result.status, 0, result.stderr);
  });

  it('lmm run --help and lmm import-c --help print the usage and exit 0, whatever else is given', async () => {
    for (const argv of [
      ['run', '--help'],
      ['run', harness, '--json', '-h'],
      ['import-c', '--help'],
      ['import-c', 'missing.h', '--help'],
    ]) {
      const result = await lmm(...argv);
      assert.equal(result.status, 0, argv.join(' '));
      assert.match(result.stdout, /^lmm — LMM Studio's command line/);
      assert.match(result.stdout, /^ {2}lmm run FILE \[--json \| --sarif\]/m);
      assert.match(result.stdout, /^ {2}lmm import-c HEADER\.h /m);
      assert.equal(result.stderr, '');
    }
  });
});
