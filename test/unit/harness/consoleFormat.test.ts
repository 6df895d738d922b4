// src/harness/api/printedText.ts: "`console.log`'s line: as Node prints it, a first string's
// `%s %d %i %f %o %O %j %c %%` take the values after it". Node itself is the oracle here: every
// directive with every kind of primitive a harness may hand it, compared with util.format. Before,
// `%d` or `%f` of a Symbol threw (a console.log ended the run as a crash), `%f` read '1.5x' as NaN
// where Node reads 1.5, `%d` and `%s` printed -0 as 0, and `%j` printed a string unquoted.
import { strict as assert } from 'node:assert';
import { format } from 'node:util';
import { consoleLine } from '../../../src/harness/api/printedText';

const PRIMITIVES: unknown[] = [
  0,
  -0,
  42,
  -3.9,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '42abc',
  '1.5x',
  ' 2e3 ',
  'text',
  '',
  10n,
  -12345678901234567890n,
  true,
  null,
  undefined,
  Symbol('s'),
];

describe('console.log directives print as Node prints them', () => {
  for (const directive of ['s', 'd', 'i', 'f', 'j', 'c']) {
    it(`%${directive} of every kind of primitive`, () => {
      for (const value of PRIMITIVES) {
        // Node's %j throws on a bigint, as JSON.stringify does; a harness's print does not.
        if (directive === 'j' && typeof value === 'bigint') continue;
        const fmt = `<%${directive}>`;
        assert.equal(consoleLine([fmt, value]), `${format(fmt, value)}\n`, `${fmt} of ${String(value)}`);
      }
    });
  }

  it('%o and %O of every kind of primitive, and of strings util.inspect quotes, escapes, splits or cuts', () => {
    const strings = [
      "it's",
      'it\'s "quoted"',
      'it\'s "quoted" `too`',
      'it\'s "quoted" `and` ${x}',
      'back\\slash',
      'tab\tnew\nline\r\b\f\v\x00\x1b\x7f\x9f\xa0',
      'lone \ud800 and \udc00, a pair \ud83d\ude00, a separator \u2028',
      `${'x'.repeat(74)}\nyy`,
      `${'x'.repeat(75)}\nyy`,
      `${'line\n'.repeat(30)}end`,
      'y'.repeat(10_001),
      `${'z'.repeat(9_999)}\n'${'z'.repeat(50)}`,
    ];
    for (const directive of ['o', 'O'])
      for (const value of [...PRIMITIVES, ...strings]) {
        const fmt = `<%${directive}>`;
        assert.equal(consoleLine([fmt, value]), `${format(fmt, value)}\n`, `${fmt} of ${String(value).slice(0, 40)}`);
      }
  });

  it('%j of what JSON cannot hold: a bigint is printed (Node throws), a function and undefined as Node does', () => {
    assert.equal(consoleLine(['%j', 5n]), '5n\n');
    assert.equal(consoleLine(['%j|%j', undefined, () => 1]), `${format('%j|%j', undefined, () => 1)}\n`);
    // An object prints as print shows it (a view reads no freed bytes): JSON, a cycle marked where it recurs.
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    assert.equal(consoleLine(['%j', cycle]), '{"a":1,"self":"[Circular]"}\n');
  });

  it('%% and a directive with no value left stay as Node leaves them', () => {
    for (const args of [['100%%'], ['%d %s', 1], ['%x %d', 2], ['%', 1], ['%%d', 3]])
      assert.equal(consoleLine(args), `${format(...(args as [string, ...unknown[]]))}\n`, JSON.stringify(args));
  });
});
