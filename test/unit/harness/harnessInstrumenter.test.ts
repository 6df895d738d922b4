import { transformSync } from 'esbuild';
import { strict as assert } from 'node:assert';
import type { Site } from '../../../src/analysis/analysisInput';
import { instrumentHarnessSource } from '../../../src/harness/compile/harnessInstrumenter';
import { toOriginalOffset } from '../../../src/harness/compile/harnessLocator';

function instrument(source: string, attribution = true) {
  const sites: Site[] = [];
  const result = instrument0(source, attribution, sites);
  return { ...result, sites };
}

function instrument0(source: string, attribution: boolean, sites: Site[]) {
  const result = instrumentHarnessSource('h.lmm.ts', source, {
    attribution,
    siteFile: 'h.lmm.ts',
    hookPrefix: '__lmm$',
    addSite: (s) => sites.push(s) - 1,
  });
  assert.ok(result, 'parses');
  return result;
}

/** Runs instrumented code with hooks that log enter/leave, returning the log and the result. */
function evaluate(code: string): { log: string[]; value: unknown; called: number } {
  const log: string[] = [];
  let called = 0;
  const ts = code.replace(/export default /, '');
  const js = transformSync(ts, { loader: 'ts', target: 'es2022' }).code;
  const hooks = {
    __lmm$e: (site: number, arg: unknown) => (log.push(`enter ${site}`), arg),
    __lmm$e0: (site: number) => (log.push(`enter ${site}`), []),
    __lmm$l: (value: unknown) => (log.push('leave'), value),
    __lmm$s: () => log.length,
    __lmm$r: () => log.push('restore'),
    __lmm$t: (site: number) => log.push(`loop ${site}`),
    __lmm$f: () => void called++,
  };
  const value = new Function(...Object.keys(hooks), `${js}\nreturn main();`)(...Object.values(hooks));
  return { log, value, called };
}

describe('harness instrumentation (call stacks and loop checks inserted at compile time)', () => {
  it('enters a call’s frame after its arguments are evaluated and leaves it when the call returns', () => {
    const { code, sites } = instrument(
      'function add(a: number, b: number) { return a + b; }\nfunction one() { return 1; }\nexport default function main() {\n  return add(one(), add(2, 3));\n}\n',
    );
    assert.deepEqual(
      sites.map((s) => `${s.line}:${s.column}`),
      ['4:10', '4:14', '4:21'],
    );
    const { log, value } = evaluate(code);
    assert.equal(value, 6);
    assert.deepEqual(log, ['enter 1', 'leave', 'enter 2', 'leave', 'enter 0', 'leave']);
  });

  it("starts every function body with the stop check, a built-in's callbacks too, the code still working", () => {
    for (const attribution of [true, false]) {
      const { code } = instrument(
        [
          "class Base { constructor(readonly n: number) { 'use strict'; } }",
          'class Two extends Base { constructor() { super(2); } get twice() { return this.n * 2; } set twice(_v: number) {} }',
          'function* gen() { yield 1; }',
          'const object = () => ({ a: 1 });',
          "function strict() { 'use strict'; return this; }",
          'export default function main() {',
          '  const two = new Two();',
          '  const squares = Array.from({ length: 3 }, (_, i) => i * i);',
          '  const revived = JSON.parse("[1]", (_k, v) => v);',
          '  return [two.twice, [...gen()], object().a, strict(), squares, revived];',
          '}',
        ].join('\n'),
        attribution,
      );
      assert.ok(code.includes("{ 'use strict';__lmm$f();"), `a directive stays first: ${code}`);
      const { value, called } = evaluate(code);
      assert.deepEqual(value, [4, [1], 1, undefined, [0, 1, 4], [1]]);
      // main, Two's and Base's constructors, the getter, gen, object, strict, 3 map calls, 2 reviver calls.
      assert.equal(called, 12);
    }
  });

  it('keeps calls without arguments, spreads and method calls working', () => {
    const { code } = instrument(
      'const o = { n: 2, twice(x: number) { return x * this.n; } };\nfunction count(...xs: number[]) { return xs.length; }\nexport default function main() {\n  const xs = [1, 2, 3];\n  return [count(), count(...xs), o.twice(4), new Map([[1, 2]]).size];\n}\n',
    );
    assert.deepEqual(evaluate(code).value, [0, 3, 8, 1]);
  });

  it('checks every loop, braced or not, and restores the stack in catch and finally', () => {
    const { code, sites } = instrument(
      'function boom(): never { throw new Error("x"); }\nexport default function main() {\n  let n = 0;\n  for (let i = 0; i < 2; i++) n++;\n  while (n < 4) { n++; }\n  try { boom(); } catch { n += 10; } finally { n += 100; }\n  return n;\n}\n',
    );
    const { log, value } = evaluate(code);
    assert.equal(value, 114);
    assert.equal(log.filter((l) => l.startsWith('loop')).length, 4);
    assert.deepEqual(
      sites.filter((s) => s.line === 4 || s.line === 5).map((s) => `${s.line}:${s.column}`),
      ['4:3', '5:3'],
    );
    assert.equal(log.filter((l) => l === 'restore').length, 2);
  });

  it('only inserts text, so every output position maps back to the source', () => {
    const source =
      'export default function main() {\n  const x = Math.max(1, 2);\n  return f(g(x), h());\n}\nfunction f(a: number, _b: number) { return a; }\nfunction g(a: number) { return a; }\nfunction h() { return 0; }\n';
    const { code, insertions } = instrument(source);
    for (const token of ['Math.max', 'const x', 'return a;', 'function h']) {
      const at = code.indexOf(token);
      assert.equal(toOriginalOffset(insertions, at), source.indexOf(token), token);
    }
    // Taking the insertions out gives the source back, character for character.
    let rebuilt = '';
    let at = 0;
    let shift = 0;
    for (const insertion of insertions) {
      rebuilt += code.slice(at, insertion.pos + shift);
      at = insertion.pos + shift + insertion.text.length;
      shift += insertion.text.length;
    }
    rebuilt += code.slice(at).replace(/\nimport \{[^}]*\} from 'lmm-studio';\n$/, '');
    assert.equal(rebuilt, source);
    assert.ok(!code.includes('__lmm$e(0, 2)'), 'calls on JavaScript built-ins are left alone');
  });

  it('leaves loop checks only when attribution is off', () => {
    const { code } = instrument('export default function main() {\n  f(); for (;;) break;\n}\nfunction f() {}\n', false);
    assert.ok(!code.includes('__lmm$l('));
    assert.ok(code.includes('__lmm$t('));
  });

  it('records where @struct classes are declared', () => {
    const { structSites } = instrument(
      'import { struct, u32 } from "lmm-studio";\n\n@struct\nclass emp_t {\n  @u32 id!: number;\n}\n',
    );
    assert.deepEqual(structSites.emp_t, { file: 'h.lmm.ts', line: 4, column: 7 });
  });

  it('returns null for a file that does not parse (esbuild then reports the error)', () => {
    assert.equal(
      instrumentHarnessSource('bad.ts', 'const = ;', {
        attribution: true,
        siteFile: 'bad.ts',
        hookPrefix: '__lmm$',
        addSite: () => 0,
      }),
      null,
    );
  });
});
