/**
 * `lmm replay` and `lmm compare` run a harness "(--time-limit MS, --page-size N as for lmm run)"
 * (`lmm --help`). Their bounds were their own: a time limit up to 1,000,000,000 ms where `lmm run`
 * takes 2,147,483,647 (`--time-limit 2000000000` ran under run and was refused here), and any page
 * size, refused only after the harness was compiled, as `lmm replay: pageSize page size must …`
 * without the option's name. Each is tried at its bound, one past it and far past it.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

interface Report {
  ops: number;
  peakMappedBytes: number;
}

describe('lmm replay and lmm compare: a harness’s --time-limit and --page-size as lmm run takes them', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-harness-input-bounds-');
  let harness: string;
  before(() => {
    harness = scratch.write(
      'one.lmm.ts',
      `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';\n@struct class node_t { @u32 key!: number; }\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  XFREE(XCALLOC(1, node_t));\n}\n`,
    );
  });
  const verbs: [string, string[]][] = [
    ['replay', []],
    ['compare', ['--policies', 'lmm-classic']],
  ];

  for (const [verb, extra] of verbs) {
    const refused: [string[], string][] = [
      [['--time-limit', '0'], `lmm ${verb}: --time-limit: takes a positive whole number of milliseconds, not '0'\n`],
      [
        ['--time-limit', '2147483648'],
        `lmm ${verb}: --time-limit: 2147483648 is more than the largest, 2147483647 milliseconds\n`,
      ],
      [
        ['--time-limit', '99999999999999999999'],
        `lmm ${verb}: --time-limit: 99999999999999999999 is more than the largest, 2147483647 milliseconds\n`,
      ],
      [['--page-size', '120'], `lmm ${verb}: --page-size: page size must be a multiple of 8 from 128 to 262144, not 120\n`],
      [['--page-size', '130'], `lmm ${verb}: --page-size: page size must be a multiple of 8 from 128 to 262144, not 130\n`],
      [['--page-size', '262152'], `lmm ${verb}: --page-size: page size must be a multiple of 8 from 128 to 262144, not 262152\n`],
      [
        ['--page-size', '1000000000'],
        `lmm ${verb}: --page-size: page size must be a multiple of 8 from 128 to 262144, not 1000000000\n`,
      ],
    ];
    for (const [args, message] of refused) {
      it(`lmm ${verb} refuses ${args.join(' ')} with lmm run's words, before any file is read`, async () => {
        const result = await lmm(verb, join(scratch.dir, 'missing.lmm.ts'), ...extra, ...args);
        assert.equal(result.status, 2, result.stderr);
        assert.equal(result.stdout, '');
        assert.equal(result.stderr, message);
      });
    }

    it(`lmm ${verb} runs a harness at each bound: --time-limit 2147483647, page sizes 128 and 262144`, async () => {
      for (const [args, pageSize] of [
        [['--time-limit', '2147483647', '--page-size', '128'], 128],
        [['--page-size', '262144'], 262144],
      ] as const) {
        const result = await lmm(verb, harness, ...extra, ...args, '--json');
        assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
        const parsed = JSON.parse(result.stdout) as Report | Report[];
        const report = Array.isArray(parsed) ? parsed[0]! : parsed;
        assert.equal(report.ops, 2, 'the harness’s XCALLOC and XFREE');
        // Its registry page and its one data page, of the size asked for.
        assert.equal(report.peakMappedBytes, 2 * pageSize);
      }
    });
  }
});
