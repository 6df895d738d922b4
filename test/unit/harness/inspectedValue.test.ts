/**
 * console.log's values print as Node's util.inspect prints them (src/harness/api/inspectedValue.ts
 * writes it again, as the harness worker's printing code has no Node modules): Node itself is the
 * oracle for every value below. Before, `console.log(f)` printed f's compiled source, a Map `{}`,
 * a Set `{}`, a Date its JSON string, a class its source.
 */
import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { inspectedValue } from '../../../src/harness/api/inspectedValue';

class Animal {
  legs = 4;
}
class Dog extends Animal {
  name = 'rex';
}
function named(): void {}
const withProps = Object.assign(function extra() {}, { extra: 1 });
const circular: Record<string, unknown> = { name: 'loop' };
circular['self'] = circular;
const twoCycles: Record<string, unknown> = { a: { b: {} } };
(twoCycles['a'] as Record<string, unknown>)['back'] = twoCycles;
const sparse = [1, , 3, , , 6]; // eslint-disable-line no-sparse-arrays
const withExtra = Object.assign([1, 2], { label: 'x' });
const nullProto = Object.assign(Object.create(null) as object, { a: 1 });

const VALUES: [string, unknown][] = [
  ['a function', named],
  ['an arrow', () => 1],
  ['an anonymous function', [function () {}][0]],
  ['an async function', async function load() {}],
  ['a generator', function* gen() {}],
  ['an async generator', async function* agen() {}],
  ['a bound function', named.bind(null)],
  ['a function with a property', withProps],
  ['a class', Animal],
  ['a subclass', Dog],
  ['an anonymous class', [class {}][0]],
  ['an instance', new Dog()],
  ['an empty instance', new (class Empty {})()],
  ['an object of functions', { named, arrow: () => 1 }],
  [
    'getters and setters',
    {
      get g() {
        return 1;
      },
      set s(_v: number) {},
      get gs() {
        return 1;
      },
      set gs(_v: number) {},
    },
  ],
  ['Symbols as keys and values', { [Symbol('k')]: Symbol('v'), plain: Symbol.for('x') }],
  ['keys that need quotes', { 'a-b': 1, '2x': 2, ok_1: 3, '': 4 }],
  [
    'a Map',
    new Map<unknown, unknown>([
      ['a', 1],
      [{ k: 1 }, [1, 2]],
    ]),
  ],
  ['a Set', new Set([1, 'two', { three: 3 }])],
  ['empty Map and Set', [new Map(), new Set()]],
  ['nesting past depth 2', { a: { b: { c: { d: 1 } } }, arr: [[[[1]]]], empty: { x: { y: { z: {} } } } }],
  ['a cycle', circular],
  ['two references to a cycle', twoCycles],
  ['typed arrays', [new Uint8Array([1, 2, 3]), new Float64Array(2), new BigInt64Array([5n])]],
  ['a long typed array', new Int16Array(120).map((_, i) => i * 7)],
  ['an ArrayBuffer', new Uint8Array([1, 2, 255]).buffer],
  ['a Date', new Date(Date.UTC(2020, 1, 3, 4, 5, 6, 7))],
  ['an invalid Date', new Date(Number.NaN)],
  ['a RegExp', /a+b/gi],
  ['a sparse array', sparse],
  ['an array with a property', withExtra],
  ['a null-prototype object', nullProto],
  ['boxed primitives', [Object(1), Object('ab'), Object(true), Object(2n)]],
  ['WeakMap and WeakSet', [new WeakMap(), new WeakSet()]],
  ['numbers in columns', Array.from({ length: 30 }, (_, i) => i * 11)],
  ['strings in columns', Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i).repeat(i % 4))],
  ['a long array', Array.from({ length: 130 }, (_, i) => i)],
  ['objects that break lines', Array.from({ length: 4 }, (_, i) => ({ index: i, label: `item number ${i}`, ok: i % 2 === 0 }))],
  ['a wide object', { alpha: 'a'.repeat(30), beta: 'b'.repeat(30), gamma: [1, 2, 3], delta: { x: 1 } }],
  ['primitives in an array', [0, -0, 1.5, Number.NaN, 10n, true, null, undefined, "it's", '']],
  ['a long string inside', { text: 'line one of a long text\n'.repeat(5) }],
  ['nested Maps', new Map([['outer', new Map([['inner', new Set([1])]])]])],
];

describe('console.log values print as util.inspect prints them', () => {
  for (const [name, value] of VALUES) {
    it(name, () => {
      assert.equal(inspectedValue(value), inspect(value));
    });
  }
});
