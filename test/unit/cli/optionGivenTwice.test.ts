/**
 * A single-valued option of any `lmm` command given twice (`-o a -o b`, `--page-size 1
 * --page-size=2`) is refused with exit 2 and a message naming it and both values: the last one was
 * kept silently. As with gcc, import-c's -I and -D gather; a flag given twice asks the same thing;
 * memcheck's leak-report options keep valgrind's rule (the last one counts).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';

const rep = join(__dirname, '..', '..', 'fixtures', 'malloc-lab', 'short1-bal.rep');

/** Every valued option of every command, with two values each would take alone. */
const SINGLE_VALUED: { verb: string; option: string; values: [string, string]; before: string[] }[] = [
  { verb: 'run', option: '--fail-on', values: ['error', 'definitely-lost'], before: [] },
  { verb: 'run', option: '--suppressions', values: ['a.supp', 'b.supp'], before: [] },
  { verb: 'run', option: '--time-limit', values: ['1000', '2000'], before: [] },
  { verb: 'run', option: '--page-size', values: ['4096', '8192'], before: [] },
  { verb: 'run', option: '--memory-limit', values: ['512', '1024'], before: [] },
  { verb: 'replay', option: '--policy', values: ['lmm-classic', 'first-fit'], before: [] },
  { verb: 'replay', option: '--reservoir', values: ['1', '2'], before: [] },
  { verb: 'replay', option: '--reservoir-delay', values: ['1', '2'], before: [] },
  { verb: 'replay', option: '--time-limit', values: ['1000', '2000'], before: [] },
  { verb: 'replay', option: '--page-size', values: ['4096', '8192'], before: [] },
  { verb: 'compare', option: '--policies', values: ['lmm-classic', 'first-fit'], before: [] },
  { verb: 'compare', option: '--reservoir', values: ['1', '2'], before: ['--policies', 'lmm-classic'] },
  { verb: 'compare', option: '--reservoir-delay', values: ['1', '2'], before: ['--policies', 'lmm-classic'] },
  { verb: 'compare', option: '--time-limit', values: ['1000', '2000'], before: ['--policies', 'lmm-classic'] },
  { verb: 'compare', option: '--page-size', values: ['4096', '8192'], before: ['--policies', 'lmm-classic'] },
];

async function refusedTwice(argv: string[], verb: string, option: string, first: string, second: string): Promise<void> {
  const r = await lmm(...argv);
  const shown = `lmm ${argv.map((a) => JSON.stringify(a)).join(' ')}`;
  assert.equal(r.status, 2, `${shown}: exit 2\n${r.stderr}`);
  assert.equal(r.stdout, '', shown);
  assert.equal(
    r.stderr.split('\n')[0],
    `lmm ${verb}: ${option}: given twice (${JSON.stringify(first)}, then ${JSON.stringify(second)}): give it once`,
    shown,
  );
}

describe('lmm: a single-valued option given twice is refused, naming it', () => {
  for (const { verb, option, values, before } of SINGLE_VALUED) {
    it(`lmm ${verb} ${option} twice, as --opt V and as --opt=V`, async () => {
      const [a, b] = values;
      await refusedTwice([verb, rep, ...before, option, a, option, b], verb, option, a, b);
      await refusedTwice([verb, rep, ...before, `${option}=${a}`, option, b], verb, option, a, b);
      await refusedTwice([verb, rep, ...before, option, a, `${option}=${b}`], verb, option, a, b);
      // The same value twice is still two: a script that sets it in two places should know.
      await refusedTwice([verb, rep, ...before, option, a, option, a], verb, option, a, a);
    });
  }

  it("memcheck's leak-report options keep valgrind's rule: the last one counts", async () => {
    // memcheck's defaults, then a port's vgopts, as the ported tests give them.
    const r = await lmm('run', rep, '--leak-check=summary', '--show-leak-kinds=definite,possible', '--leak-check=full');
    assert.doesNotMatch(r.stderr, /given twice/);
    // LMM's own options beside them are still given once.
    await refusedTwice(
      ['run', rep, '--leak-check=summary', '--leak-check=full', '--time-limit', '1000', '--time-limit', '2000'],
      'run',
      '--time-limit',
      '1000',
      '2000',
    );
  });

  describe('lmm import-c', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'lmm-given-twice-'));
      // inc.h is found only through the first -I: were the second kept alone, it would be missing.
      mkdirSync(join(dir, 'inc'));
      writeFileSync(join(dir, 'h.h'), '#include "inc.h"\nstruct s { char a[A]; char b[B]; char c[C]; };\n');
      writeFileSync(join(dir, 'inc', 'inc.h'), '#define C 7\n');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('-o and --output, in any spelling, are one option given once; nothing is written', async () => {
      const header = join(dir, 'h.h');
      const [a, b] = [join(dir, 'a.ts'), join(dir, 'b.ts')];
      await refusedTwice(['import-c', header, '--no-cc', '-o', a, '-o', b], 'import-c', '-o', a, b);
      await refusedTwice(['import-c', header, '--no-cc', '-o', a, '--output', b], 'import-c', '--output', a, b);
      await refusedTwice(['import-c', header, '--no-cc', '--output', a, '-o', a], 'import-c', '-o', a, a);
      assert.throws(() => readFileSync(a), /ENOENT/);
    });

    it('-D and -I gather, as gcc takes them; --no-cc and --force twice ask the same thing', async () => {
      const out = join(dir, 'out.ts');
      const r = await lmm(
        'import-c',
        join(dir, 'h.h'),
        '-D',
        'A=3',
        '-DB=5',
        '-I',
        join(dir, 'inc'),
        `-I${tmpdir()}`,
        '--no-cc',
        '--no-cc',
        '--force',
        '--force',
        '-o',
        out,
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /\bs {2,}15 bytes, align 1\n/);
    });
  });
});
