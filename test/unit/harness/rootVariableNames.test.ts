/**
 * A pointer variable's name is printed in the text report, on the path of every block it holds:
 * it is one line of at most MAX_VARIABLE_NAME characters. Before, a harness named a global
 * `x\nLEAK SUMMARY:\n   definitely lost: 0 bytes in 0 blocks\n…` and the report printed a fake
 * summary above the real one (and escape sequences went to the terminal).
 */
import { strict as assert } from 'node:assert';
import { formatTextReport } from '../../../src/analysis/textReport';
import { MAX_VARIABLE_NAME } from '../../../src/harness/runtime/rootVariables';
import { HarnessProbe, PRELUDE } from '../../support/harnessProbe';

const NAMES_PRELUDE = PRELUDE.replace(" } from 'lmm-studio'", ", global, local } from 'lmm-studio'");

describe('pointer variable names', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  const refused: [string, string][] = [
    ['a line break', JSON.stringify('x\nLEAK SUMMARY:\n   definitely lost: 0 bytes in 0 blocks')],
    ['a carriage return', JSON.stringify('x\rERROR SUMMARY: 0 errors')],
    ['an escape sequence', JSON.stringify('x\u001b[2J')],
    ['a line separator', JSON.stringify('x\u2028y')],
    ['a NUL', JSON.stringify('x\u0000y')],
    ['one character too many', `'a'.repeat(${MAX_VARIABLE_NAME + 1})`],
  ];
  for (const [what, name] of refused) {
    for (const declare of [`global<node_t>(${name})`, `local<node_t>(null, ${name})`]) {
      it(`${declare.slice(0, declare.indexOf('<'))} with ${what} in its name is refused at its line`, async () => {
        const run = await probe.run(
          'names.lmm.ts',
          `${NAMES_PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  const v = ${declare};\n  void v;\n}\n`,
        );
        assert.equal(run.outcome, 'crashed', run.message);
        assert.match(run.message!, /names\.lmm\.ts:5:\d+: (TypeError|RangeError): (global|local)\(.*\): a name has/);
      });
    }
  }

  it('names up to the bound, in any script, are printed as given on one line', async () => {
    const long = 'g'.repeat(MAX_VARIABLE_NAME);
    const run = await probe.run(
      'good-names.lmm.ts',
      `${NAMES_PRELUDE}const a = global<node_t>('${long}');\nconst b = global<node_t>('liste_élèves_学生');\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  a.value = XCALLOC(1, node_t);\n  b.value = XCALLOC(1, node_t);\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const text = formatTextReport(run.finished!.report, '');
    assert.match(text, new RegExp(`root "global ${long}"`));
    assert.match(text, /root "global liste_élèves_学生"/);
  });
});
