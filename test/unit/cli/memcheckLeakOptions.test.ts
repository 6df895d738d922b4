/**
 * memcheck's leak-report options as `lmm run` reads them: their values as memcheck's parser takes
 * them (checked against valgrind 3.19 here: `all,definite`, `Definite`, `Full` and `true` are
 * refused, later options win, the old spellings change `--show-leak-kinds`'s set), both forms
 * (`--opt=value`, `--opt value`), and every bad form refused with exit 2 naming the option, before
 * any file is read.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { kindsInOrder, type LeakReportOptions } from '../../../src/analysis/leakReportOptions';
import { defaultLeakReportOptions, memcheckLeakOption } from '../../../src/cli/memcheckOptions';
import { lmm } from '../../support/lmmCli';

const rep = join(__dirname, '..', '..', 'fixtures', 'malloc-lab', 'short1-bal.rep');

/** The options after reading `args` (`['--show-reachable', 'yes', …]`) in order, as `lmm run` does. */
function read(...args: string[]): LeakReportOptions {
  let options = defaultLeakReportOptions();
  for (let i = 0; i < args.length; i += 2) options = memcheckLeakOption(options, args[i]!, args[i + 1]!);
  return options;
}

const shown = (...args: string[]) => kindsInOrder(read(...args).showLeakKinds).join(',');

describe("lmm run: memcheck's leak-report options", () => {
  it("LMM's defaults: memcheck's --leak-check=full --show-leak-kinds=all, with its --errors-for-leak-kinds=definite,possible", () => {
    const options = read();
    assert.equal(options.leakCheck, 'full');
    assert.equal(shown(), 'definitely-lost,indirectly-lost,possibly-lost,still-reachable');
    assert.deepEqual(kindsInOrder(options.errorsForLeakKinds), ['definitely-lost', 'possibly-lost']);
  });

  it('--leak-check takes no, summary, full and yes (yes is full)', () => {
    assert.equal(read('--leak-check', 'no').leakCheck, 'no');
    assert.equal(read('--leak-check', 'summary').leakCheck, 'summary');
    assert.equal(read('--leak-check', 'full').leakCheck, 'full');
    assert.equal(read('--leak-check', 'yes').leakCheck, 'full');
    assert.equal(read('--leak-check', 'no', '--leak-check', 'full').leakCheck, 'full', 'the later one wins');
  });

  it('a set is memcheck words with commas (repeats taken once), all, or none', () => {
    assert.equal(shown('--show-leak-kinds', 'definite,possible'), 'definitely-lost,possibly-lost');
    assert.equal(shown('--show-leak-kinds', 'reachable,indirect,reachable'), 'indirectly-lost,still-reachable');
    assert.equal(shown('--show-leak-kinds', 'none'), '');
    assert.equal(
      shown('--show-leak-kinds', 'none', '--show-leak-kinds', 'all'),
      'definitely-lost,indirectly-lost,possibly-lost,still-reachable',
    );
    const errors = read('--errors-for-leak-kinds', 'reachable').errorsForLeakKinds;
    assert.deepEqual(kindsInOrder(errors), ['still-reachable']);
    assert.equal(shown('--errors-for-leak-kinds', 'none'), shown(), '--errors-for-leak-kinds leaves the shown kinds alone');
  });

  it("the old spellings change --show-leak-kinds's one set, in the order given (as valgrind 3.19 does)", () => {
    // Each case was run under valgrind 3.19 on leak-cases.c and the kinds of the printed records noted.
    assert.equal(shown('--show-reachable', 'no'), 'definitely-lost,indirectly-lost,possibly-lost');
    assert.equal(shown('--show-leak-kinds', 'definite', '--show-possibly-lost', 'yes'), 'definitely-lost,possibly-lost');
    assert.equal(
      shown('--show-reachable', 'yes', '--show-possibly-lost', 'no'),
      'definitely-lost,indirectly-lost,still-reachable',
    );
    assert.equal(
      shown('--show-possibly-lost', 'no', '--show-reachable', 'yes'),
      'definitely-lost,indirectly-lost,possibly-lost,still-reachable',
    );
    assert.equal(shown('--show-reachable', 'yes', '--show-leak-kinds', 'indirect'), 'indirectly-lost');
    assert.equal(shown('--show-leak-kinds', 'definite', '--show-reachable', 'no'), 'definitely-lost');
  });

  // Each is refused with exit 2, nothing on stdout, and the option named (the file is a malloc-lab
  // trace: were the option taken, the run would fail otherwise, later).
  const refused: [string[], RegExp][] = [
    [['--leak-check=Full'], /^lmm run: --leak-check: 'Full' is not one of no, summary, full, yes\n$/],
    [['--leak-check='], /^lmm run: --leak-check: '' is not one of no, summary, full, yes\n$/],
    [['--leak-check', 'all'], /^lmm run: --leak-check: 'all' is not one of no, summary, full, yes\n$/],
    [['--leak-check'], /^lmm run: --leak-check: needs a value\nusage: lmm run /],
    [['--leak-check', '--json'], /^lmm run: --leak-check: needs a value\nusage: lmm run /],
    [['--show-leak-kinds='], /^lmm run: --show-leak-kinds: names no leak kind/],
    [['--show-leak-kinds=definite,'], /^lmm run: --show-leak-kinds: "definite," has an empty element/],
    [['--show-leak-kinds=definite, possible'], /^lmm run: --show-leak-kinds: "definite, possible" has spaces around an element/],
    [
      ['--show-leak-kinds=Definite'],
      /^lmm run: --show-leak-kinds: unknown leak kind 'Definite' \(write definite,indirect,possible,reachable/,
    ],
    [['--show-leak-kinds=definitely-lost'], /^lmm run: --show-leak-kinds: unknown leak kind 'definitely-lost'/],
    [['--show-leak-kinds=constructor'], /^lmm run: --show-leak-kinds: unknown leak kind 'constructor'/],
    [['--show-leak-kinds=all,definite'], /^lmm run: --show-leak-kinds: 'all,definite': all and none stand alone/],
    [['--show-leak-kinds', 'none,definite'], /^lmm run: --show-leak-kinds: 'none,definite': all and none stand alone/],
    [['--errors-for-leak-kinds=all,all'], /^lmm run: --errors-for-leak-kinds: 'all,all': all and none stand alone/],
    [['--errors-for-leak-kinds=leak'], /^lmm run: --errors-for-leak-kinds: unknown leak kind 'leak'/],
    [
      ['--leak-resolution=low'],
      /^lmm run: --leak-resolution: 'low' is not high \(lmm run merges loss records by their whole kept stack/,
    ],
    [['--leak-resolution', 'med'], /^lmm run: --leak-resolution: 'med' is not high/],
    [['--show-reachable=true'], /^lmm run: --show-reachable: 'true' is not yes or no\n$/],
    [['--show-reachable', '1'], /^lmm run: --show-reachable: '1' is not yes or no\n$/],
    [['--show-possibly-lost=YES'], /^lmm run: --show-possibly-lost: 'YES' is not yes or no\n$/],
    [['--show-possibly-lost='], /^lmm run: --show-possibly-lost: '' is not yes or no\n$/],
    [
      ['--leak-check=no', '--fail-on', 'definite,error'],
      /^lmm run: --fail-on: definitely-lost cannot go with --leak-check=no \(no leak check runs at exit/,
    ],
    [['--fail-on=leak', '--leak-check', 'no'], /^lmm run: --fail-on: leak cannot go with --leak-check=no/],
    [['--fail-on=reachable', '--leak-check=no'], /^lmm run: --fail-on: still-reachable cannot go with --leak-check=no/],
  ];
  for (const [args, message] of refused) {
    it(`exit 2 for: lmm run FILE ${args.map((a) => JSON.stringify(a)).join(' ')}`, async () => {
      const r = await lmm('run', rep, ...args);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }

  it('a taken option goes on to run the file (both forms), where a refused one stops before it', async () => {
    // The file is no harness: reaching it is how a taken option shows, without running anything.
    for (const args of [
      ['--leak-check=summary'],
      ['--leak-check', 'no', '--fail-on', 'error'],
      ['--show-reachable', 'yes'],
      ['--leak-resolution=high'],
    ]) {
      const r = await lmm('run', rep, ...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.doesNotMatch(r.stderr, /^lmm run: --/, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});
