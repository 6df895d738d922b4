/**
 * `console.log(v)` in a harness prints v as Node's util.inspect does (README: "as Node prints
 * it"): it printed a function's compiled source (esbuild's text, not the harness's), a class's
 * too, a Map and a Set as `{}`, a Date as its JSON string. Run in the sandbox, each line here is
 * what Node prints for the same value; the two things the sandbox cannot know, a promise's state
 * and an error's stack frames, print as README says.
 */
import { strict as assert } from 'node:assert';
import { format, inspect } from 'node:util';
import { consoleLine, printedLine } from '../../../../src/harness/api/printedText';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const LINES: [code: string, node: string][] = [
  ['named', '[Function: named]'],
  ['(() => 1)', '[Function (anonymous)]'],
  ['load', '[AsyncFunction: load]'],
  ['gen', '[GeneratorFunction: gen]'],
  ['named.bind(null)', '[Function: bound named]'],
  ['Object.assign(function extra() {}, { extra: 1 })', '[Function: extra] { extra: 1 }'],
  ['Animal', '[class Animal]'],
  ['Dog', '[class Dog extends Animal]'],
  ['new Dog()', "Dog { legs: 4, name: 'rex' }"],
  ['{ get g() { return 1; }, [Symbol("k")]: 2 }', '{ g: [Getter], [Symbol(k)]: 2 }'],
  ["new Map([['a', 1]])", "Map(1) { 'a' => 1 }"],
  ['new Set([1, 2])', 'Set(2) { 1, 2 }'],
  ['{ a: { b: { c: { d: 1 } } } }', '{ a: { b: { c: [Object] } } }'],
  ['cyclic', "<ref *1> { name: 'loop', self: [Circular *1] }"],
  ['new Uint8Array([1, 2])', 'Uint8Array(2) [ 1, 2 ]'],
  ['new Date(Date.UTC(2020, 0, 2))', '2020-01-02T00:00:00.000Z'],
  ['[1, , 3]', '[ 1, <1 empty item>, 3 ]'],
  ['{ fn: named, list: [named] }', '{ fn: [Function: named], list: [ [Function: named] ] }'],
  // What the sandbox cannot read (README): a promise's state.
  ['Promise.resolve(1)', 'Promise { <state unknown> }'],
];

describe('console.log in a harness prints values as util.inspect does', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('functions, classes, collections, nesting, cycles, typed arrays, dates, sparse arrays; a view as LMM shows it', async () => {
    const run = await probe.run(
      'console-inspect.lmm.ts',
      `${PRELUDE}
function named(): void {}
async function load(): Promise<void> {}
function* gen(): Generator<number> { yield 1; }
class Animal { legs = 4; }
class Dog extends Animal { name = 'rex'; }
function inner(): Error {
  return new Error('boom');
}
export default function main() {
  MM_REG_STRUCT(node_t);
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
${LINES.map(([code]) => `  console.log(${code});`).join('\n')}
  const a = XCALLOC(1, node_t);
  console.log({ node: a });
  XFREE(a);
  console.log(inner());
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const lines = run.output.split('\n');
    LINES.forEach(([code, node], i) => assert.equal(lines[i], node, code));
    assert.match(lines[LINES.length]!, /^\{ node: node_t 0x[0-9a-f]+ \{"key":0,"name":"","next":null\} \}$/);
    // An error as Node prints it, its frames the harness's lines (inner's return, main's call), no function names.
    const callLine = 15 + LINES.length + 4;
    const [head, innerFrame, mainFrame] = lines.slice(LINES.length + 1, LINES.length + 4);
    assert.equal(head, 'Error: boom');
    assert.match(innerFrame!, /^ {4}at \S*console-inspect\.lmm\.ts:10:10$/);
    assert.match(mainFrame!, new RegExp(`^ {4}at \\S*console-inspect\\.lmm\\.ts:${callLine}:15$`));
  });

  it('where it differs from Node, as README says: promise state, inspect.custom, %o hidden properties; print is JSON', () => {
    const promise = Promise.resolve(1);
    assert.equal(consoleLine([promise]), 'Promise { <state unknown> }\n');
    assert.equal(inspect(promise), 'Promise { 1 }');
    // An error with no frames (none of the harness's) as Node prints one.
    const error = new Error('boom');
    assert.equal(consoleLine([error]), '[Error: boom]\n');
    error.stack = 'Error: boom';
    assert.equal(inspect(error), '[Error: boom]');
    const custom = { [Symbol.for('nodejs.util.inspect.custom')]: () => 'custom' };
    assert.equal(inspect(custom), 'custom');
    assert.equal(
      consoleLine([custom]),
      '{\n  [Symbol(nodejs.util.inspect.custom)]: [Function: [nodejs.util.inspect.custom]]\n}\n',
    );
    assert.equal(consoleLine(['%o', [1, 2]]), '[ 1, 2 ]\n');
    assert.equal(format('%o', [1, 2]), '[ 1, 2, [length]: 2 ]');
    assert.equal(printedLine([{ a: 1, f: [1] }]), '{"a":1,"f":[1]}\n');
  });

  it('%s of an object: util.inspect at depth 0, or its own toString, as util.format has it', () => {
    class Named {
      toString(): string {
        return 'named!';
      }
    }
    class Plain {
      x = 1;
    }
    const values: unknown[] = [
      { a: { b: 1 } },
      [1, [2, [3]]],
      new Named(),
      new Plain(),
      new Date(0),
      new Map([[1, { a: 1 }]]),
      () => 1,
    ];
    for (const value of values) assert.equal(consoleLine(['%s', value]), `${format('%s', value)}\n`, format('%o', value));
  });
});
