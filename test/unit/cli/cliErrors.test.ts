/**
 * The command line never shows a stack: bad usage is `lmm VERB: --option: what is wrong` (exit
 * 2), malformed input `FILE:LINE: what is wrong` (exit 2), and anything unexpected one line
 * `lmm: internal error: …` (exit 3).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/lmm';
import { lmm } from '../../support/lmmCli';

const root = join(__dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'lmm-cli-errors-'));
const rep = join(root, 'test', 'fixtures', 'malloc-lab', 'short1-bal.rep');

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe('lmm: errors are one line, never a stack', () => {
  const usage: [string[], RegExp][] = [
    [['replay', rep, '--policy', 'nope'], /^lmm replay: --policy: unknown policy 'nope' \(lmm policies lists them\)\n$/],
    [['replay', rep, '--policy'], /^lmm replay: --policy: needs a value\n$/],
    [['replay', rep, '--policy', '--json'], /^lmm replay: --policy: needs a value\n$/],
    [['replay', rep, '--json=yes'], /^lmm replay: --json: takes no value\n$/],
    [['replay', rep, '--reservoir', '-3'], /^lmm replay: --reservoir: takes a whole number, not '-3'\n$/],
    [['replay', rep, '--reservoir', '99999999999999999999'], /^lmm replay: --reservoir: 99999999999999999999 is more than/],
    [['replay', rep, '--frobnicate'], /^lmm replay: --frobnicate: unknown option\n$/],
    [['compare', rep, '--policies', ''], /^lmm compare: --policies: names no policy\n$/],
    [['compare', rep, '--policies', ',,'], /^lmm compare: --policies: names no policy\n$/],
    [['compare', rep, '--policies', 'lmm-classic,nope\u0000'], /^lmm compare: --policies: unknown policy 'nope\\x00'/],
    [['compare', rep], /^lmm compare: --policies: is required/],
    [['policies', '--long=2'], /^lmm policies: --long=2: unknown argument/],
    [['trace', rep, '--reprt'], /^lmm trace: --reprt: unknown option/],
    [['run', rep, '--frobnicate'], /^lmm run: --frobnicate: unknown option\nusage: lmm run /],
    [['run', rep, '-v'], /^lmm run: -v: unknown option\nusage: lmm run /],
    [['run', rep, '--leak-check=fulll'], /^lmm run: --leak-check: 'fulll' is not one of no, summary, full, yes\n$/],
    [['run', rep, '--show-leak-kinds=definit'], /^lmm run: --show-leak-kinds: unknown leak kind 'definit' \(write definite,/],
    [
      ['run', rep, '--errors-for-leak-kinds=all,definite'],
      /^lmm run: --errors-for-leak-kinds: 'all,definite': all and none stand alone/,
    ],
    [
      ['run', rep, '--track-origins=yes'],
      /^lmm run: --track-origins: unknown option \(LMM checks no definedness of values, so it has no origins to track\)\nusage: lmm run /,
    ],
    [['run', rep, '--num-callers=0'], /^lmm run: --num-callers: argument must be between 1 and 500, not '0'\n$/],
    [['run', rep, '--num-callers=12x'], /^lmm run: --num-callers: invalid integer value '12x'\n$/],
    [
      ['run', rep, '--vex-iropt-register-updates=unwindregs-at-mem-access'],
      /^lmm run: --vex-iropt-register-updates: unknown option \(valgrind's translation of machine code, which lmm run does not do: leave it out\)\nusage: lmm run /,
    ],
    [['run', rep, '--px-default=unwindregs-at-mem-access'], /^lmm run: --px-default: unknown option \(valgrind's translation/],
    [['run', rep, '--error-exitcode=1x'], /^lmm run: --error-exitcode: takes an exit status from 0 to 255, not '1x'\n$/],
    [
      ['run', rep, '--fail-on', 'definite,constructor'],
      /^lmm run: --fail-on: unknown kind 'constructor' \(one of definitely-lost, /,
    ],
    [
      ['run', rep, '--fail-on=all'],
      /^lmm run: --fail-on: unknown kind 'all' \(memcheck's 'all' is definitely-lost,indirectly-lost,possibly-lost,still-reachable here\)\n$/,
    ],
    [['run', rep, '--fail-on=defnitely-lost'], /^lmm run: --fail-on: unknown kind 'defnitely-lost' \(one of definitely-lost, /],
    [['run', rep, '--fail-on='], /^lmm run: --fail-on: names no kind/],
    [['run', rep, '--json=yes'], /^lmm run: --json: takes no value\nusage: lmm run /],
    [['run', rep, '--frobnicate=1'], /^lmm run: --frobnicate: unknown option\nusage: lmm run /],
    [['run', rep, rep], /^lmm run: runs one harness, not 2 \(/],
    [['trace'], /^usage: lmm trace FILE \[--report\]\n$/],
    [['frobnicate\u001b[2J'], /^lmm: unknown command 'frobnicate\\x1b\[2J' \(see lmm --help\)\n$/],
  ];
  for (const [argv, message] of usage) {
    it(`exit 2 for: lmm ${argv.map((a) => JSON.stringify(a)).join(' ')}`, async () => {
      const r = await lmm(...argv);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }

  it('VERB --help prints the help and exits 0', async () => {
    for (const verb of ['trace', 'replay', 'compare', 'policies']) {
      const r = await lmm(verb, '--help');
      assert.equal(r.status, 0, verb);
      assert.match(r.stdout, /^lmm — LMM Studio's command line/);
    }
  });

  it('a trace that names a page size LMM cannot use is FILE:LINE for trace, replay and compare alike', async () => {
    for (const [size, line] of [
      ['0', 1],
      ['100', 1],
      ['524288', 1],
    ] as const) {
      const trace = file(`page-${size}.trace`, `page ${size}\nreg s_t 8\n`);
      for (const argv of [
        ['trace', trace],
        ['replay', trace],
        ['compare', trace, '--policies', 'lmm-classic'],
      ]) {
        const r = await lmm(...argv);
        assert.equal(r.status, 2, argv.join(' '));
        assert.match(
          r.stderr,
          new RegExp(`^${trace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: page size must be a multiple of 8`),
        );
      }
    }
  });

  it('compare leaves out allocs of more units than a workload holds, instead of failing them', async () => {
    const trace = file('units.trace', 'reg t_t 0\nalloc a1 t_t 4294967295\nalloc a2 t_t 1\nfree a2\n');
    const r = await lmm('compare', trace, '--policies', 'lmm-classic,lmm-extended,first-fit', '--json');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const reports = JSON.parse(r.stdout) as { integrity: string; ops: number }[];
    assert.deepEqual(
      reports.map((x) => [x.integrity, x.ops]),
      [
        ['ok', 2],
        ['ok', 2],
        ['ok', 2],
      ],
    );
  });

  it('turns anything unexpected into one internal-error line with exit 3', async () => {
    const hostile = {
      get message(): string {
        throw new Error('getter');
      },
      toString(): string {
        throw new Error('toString');
      },
    };
    let stderr = '';
    const status = await main(['policies'], {
      stdout: () => {
        throw hostile;
      },
      stderr: (t) => (stderr += t),
    });
    assert.equal(status, 3);
    assert.equal(stderr, 'lmm: internal error: a value that cannot be shown\n');

    stderr = '';
    const again = await main(['policies'], {
      stdout: () => {
        throw new TypeError('boom\nsecond line');
      },
      stderr: (t) => (stderr += t),
    });
    assert.equal(again, 3);
    assert.equal(stderr, 'lmm: internal error: TypeError: boom\n', 'one line, no stack');
  });

  it('shows the stack of an internal error only when LMM_DEBUG is set', async () => {
    process.env['LMM_DEBUG'] = '1';
    try {
      let stderr = '';
      const status = await main(['policies'], {
        stdout: () => {
          throw new Error('boom');
        },
        stderr: (t) => (stderr += t),
      });
      assert.equal(status, 3);
      assert.match(stderr, /^lmm: internal error: Error: boom\nError: boom\n\s+at /);
    } finally {
      delete process.env['LMM_DEBUG'];
    }
  });

  it('as a process: page 0, a directory, a missing file and a NUL byte exit 2 with one line and no stack', () => {
    const cases: [string[], RegExp][] = [
      [['trace', file('p0.trace', 'page 0\n')], /p0\.trace:1: page size must be a multiple of 8 from 128 to 262144, not 0\n$/],
      [['replay', file('p100.trace', 'page 100\n')], /p100\.trace:1: page size must be a multiple of 8/],
      [['trace', scratch], /: cannot read: a directory, not a file\n$/],
      [['trace', join(scratch, 'missing.trace')], /missing\.trace: cannot read: no such file\n$/],
      [['import-c', join(scratch, 'missing.h')], /missing\.h: cannot read: no such file\n$/],
      [['trace', file('nul.trace', 'reg s\u0000_t 8\n')], /nul\.trace:1: a NUL byte at column 6 \(a trace is text\)\n$/],
      [['replay', file('nul.rep', '0\n1\n1\n1\na 0 8\u0000\n')], /nul\.rep:5: a NUL byte at column 6 \(a trace is text\)\n$/],
    ];
    for (const [argv, message] of cases) {
      const child = spawnSync(process.execPath, [join(root, 'bin', 'lmm.js'), ...argv], { encoding: 'utf8' });
      assert.equal(child.status, 2, child.stderr);
      assert.equal(child.stderr.split('\n').length, 2, child.stderr);
      assert.match(child.stderr, message);
    }
  });

  it('as a process: output that cannot be written (a full disk) is one line and exit 2, not an internal error', function () {
    // /dev/full, Linux's device that refuses every write with ENOSPC.
    if (!existsSync('/dev/full')) this.skip();
    const full = openSync('/dev/full', 'w');
    try {
      for (const argv of [['policies'], ['trace', join(root, 'test', 'fixtures', 'conformance', 'course-scenarios.trace')]]) {
        const child = spawnSync(process.execPath, [join(root, 'bin', 'lmm.js'), ...argv], {
          stdio: ['ignore', full, 'pipe'],
          encoding: 'utf8',
        });
        assert.equal(child.status, 2, `${argv[0]}: ${child.stderr}`);
        assert.equal(child.stderr, 'lmm: cannot write to standard output: ENOSPC: no space left on device, write\n');
      }
    } finally {
      closeSync(full);
    }
  });

  it('lmm trace loads neither the policies, the harness runtime nor the analyses', () => {
    const script =
      "const { main } = require('./src/cli/lmm');" +
      `main(['trace', ${JSON.stringify(join(root, 'test', 'fixtures', 'conformance', 'course-scenarios.trace'))}], { stdout() {}, stderr() {} });` +
      'console.log(JSON.stringify(Object.keys(require.cache)));';
    const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const loaded = (JSON.parse(child.stdout) as string[]).filter((path) => path.includes(`${join(root, 'src')}`));
    assert.ok(
      loaded.some((path) => path.includes('traceReader')),
      'the trace reader itself was loaded',
    );
    const heavy = loaded.filter((path) => /[\\/]src[\\/](policies|harness|analysis|extension|server)[\\/]/.test(path));
    assert.deepEqual(heavy, []);
  });
});
