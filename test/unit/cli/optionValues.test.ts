/**
 * Every numeric and list option of every `lmm` command refuses a malformed value with exit 2, no
 * output, and a message naming the command and the option: before, `--reservoir 1,` was read as
 * `1` and `--policies a,,b` / `--reservoir=` as shorter lists, and `--fail-on 'leak, error'` was
 * trimmed. A value is checked before any file is read, so one fixture serves every case.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';

const rep = join(__dirname, '..', '..', 'fixtures', 'malloc-lab', 'short1-bal.rep');

/** Not a whole number as a person types one: each is refused, never read as some number. */
const MALFORMED_NUMBERS = [
  '',
  ' ',
  '1,',
  ',1',
  '1 ',
  ' 1',
  '1e3',
  '0x10',
  '-0',
  '-1',
  '+1',
  '1.5',
  '1_000',
  'Infinity',
  'NaN',
  '١',
];

/** Lists with an empty element or spaces: refused, never read as a shorter list. */
const MALFORMED_LISTS = ['1,', ',1', '1,,2', '1, 2', '1 ,2', ' 1'];

const NUMERIC: { verb: string; option: string; before: string[] }[] = [
  { verb: 'run', option: '--time-limit', before: [] },
  { verb: 'run', option: '--page-size', before: [] },
  { verb: 'run', option: '--memory-limit', before: [] },
  { verb: 'replay', option: '--reservoir', before: [] },
  { verb: 'replay', option: '--reservoir-delay', before: [] },
  { verb: 'replay', option: '--time-limit', before: [] },
  { verb: 'replay', option: '--page-size', before: [] },
  { verb: 'compare', option: '--reservoir', before: ['--policies', 'lmm-classic'] },
  { verb: 'compare', option: '--reservoir-delay', before: ['--policies', 'lmm-classic'] },
  { verb: 'compare', option: '--time-limit', before: ['--policies', 'lmm-classic'] },
  { verb: 'compare', option: '--page-size', before: ['--policies', 'lmm-classic'] },
];

async function refused(argv: string[], message: RegExp): Promise<void> {
  const r = await lmm(...argv);
  const shown = `lmm ${argv.map((a) => JSON.stringify(a)).join(' ')}`;
  assert.equal(r.status, 2, `${shown}: exit 2\n${r.stderr}`);
  assert.equal(r.stdout, '', shown);
  assert.match(r.stderr, message, shown);
}

describe('lmm: malformed option values are refused, naming the option', () => {
  for (const { verb, option, before } of NUMERIC) {
    it(`lmm ${verb} ${option}: ${MALFORMED_NUMBERS.length} malformed numbers, as --opt=V and as --opt V`, async () => {
      for (const value of MALFORMED_NUMBERS) {
        const message = new RegExp(`^lmm ${verb}: ${option}: `);
        await refused([verb, rep, ...before, `${option}=${value}`], message);
        // `--opt ''` and `--opt -1` as separate words too (a value may start with one dash).
        await refused([verb, rep, ...before, option, value], message);
      }
    });
  }

  it('lmm compare --reservoir: a list with an empty element or spaces is refused (it was read as a shorter one)', async () => {
    for (const value of MALFORMED_LISTS)
      await refused(
        ['compare', rep, '--policies', 'lmm-classic', '--reservoir', value],
        /^lmm compare: --reservoir: (".*" has (an empty element|spaces around an element) \(write 1,8|takes a whole number)/,
      );
    await refused(
      ['compare', rep, '--policies', 'lmm-classic', '--reservoir='],
      /^lmm compare: --reservoir: names no reservoir size\n$/,
    );
    await refused(
      ['compare', rep, '--policies', 'lmm-classic', '--reservoir', '1,'],
      /^lmm compare: --reservoir: "1," has an empty element/,
    );
  });

  it('lmm compare --policies: an empty element or spaces are refused', async () => {
    for (const value of ['lmm-classic,', ',lmm-classic', 'lmm-classic,,first-fit', 'lmm-classic, first-fit'])
      await refused(
        ['compare', rep, '--policies', value],
        /^lmm compare: --policies: ".*" has (an empty element|spaces around an element) \(write lmm-classic,first-fit/,
      );
  });

  it('lmm run --fail-on: an empty element or spaces are refused (spaces were trimmed)', async () => {
    for (const value of ['leak,', 'leak,,error', 'leak, error', ' leak'])
      await refused(
        ['run', rep, '--fail-on', value],
        /^lmm run: --fail-on: ".*" has (an empty element|spaces around an element) \(write definitely-lost,error/,
      );
    await refused(['run', rep, '--fail-on', ','], /^lmm run: --fail-on: names no kind \(e\.g\. definitely-lost,error\)\n/);
  });

  it('the value is refused before any file is read (a missing one is not what is said)', async () => {
    const missing = join(__dirname, 'no-such-workload.rep');
    await refused(['compare', missing, '--policies', 'lmm-classic', '--reservoir', '1,'], /^lmm compare: --reservoir: /);
    await refused(['replay', missing, '--reservoir', '1e3'], /^lmm replay: --reservoir: /);
    await refused(['run', missing, '--time-limit', '0x10'], /^lmm run: --time-limit: /);
    await refused(['run', missing, '--fail-on', 'leak,'], /^lmm run: --fail-on: /);
  });

  it('well-formed values are still taken', async () => {
    const r = await lmm(
      'compare',
      rep,
      '--policies',
      'lmm-classic,first-fit',
      '--reservoir',
      '1,8',
      '--reservoir-delay=0',
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2 * 3);
  });
});
