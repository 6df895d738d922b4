/**
 * The hooks the compiler inserts (call stacks, `try` stack restores, loop checks, thrown values)
 * decide which line a leak or an error is attributed to. A harness that reached them could blame
 * any line it likes, or corrupt the stack the runtime keeps. Each probe below looks for them the
 * way an attacker would and, whatever it finds, calls it to push a frame of its choosing; the
 * leak's stack must still be the line of its XCALLOC, and nothing must have been found.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

// Every probe returns the functions it found that are not the documented API (an empty list is
// the right answer), or throws (a refusal).
const PROBES = `
import * as lmmModule from 'lmm-studio';
import { __lmmEnter, __lmmLeave, __lmmRestore } from 'lmm-studio';
const API = new Set(Object.values(lmmModule));
const topArguments: unknown[] = Array.from(arguments as ArrayLike<unknown>);
const prefixOf = (): string => /\\$lmm[0-9a-f]{16}\\$/.exec(main.toString())![0];
const HOOK_SUFFIXES = ['e', 'e0', 'l', 's', 'r', 't', 'w', 'f', 'k0'];
const notApi = (values: unknown[]) => values.filter((v) => typeof v === 'function' && !API.has(v) && !GLOBAL_VALUES.has(v));
const GLOBAL_VALUES = new Set(Reflect.ownKeys(globalThis).map((k) => (globalThis as any)[k]));
const byName = (lookup: (name: string) => unknown) => notApi(HOOK_SUFFIXES.map((s) => { try { return lookup(prefixOf() + s); } catch { return undefined; } }));

const probes: Record<string, () => unknown[]> = {
  'named imports of the old hook names': () => notApi([__lmmEnter, __lmmLeave, __lmmRestore]),
  'the module enumerated': () => Reflect.ownKeys(lmmModule).filter((k) => typeof k !== 'string' || k.startsWith('__') || /lmm/i.test(k)),
  'the module\\'s prototype chain': () => { const found: unknown[] = []; for (let o: any = lmmModule; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) found.push(...notApi(Reflect.ownKeys(o).map((k) => { try { return o[k]; } catch { return undefined; } }))); return found; },
  'globalThis enumerated': () => Reflect.ownKeys(globalThis).filter((k) => typeof k === 'string' && /lmm/i.test(k)),
  'globalThis by the hooks\\' names': () => byName((name) => (globalThis as any)[name]),
  'the module by the hooks\\' names': () => byName((name) => (lmmModule as any)[name]),
  // The harness's own require (which answers 'lmm-studio' only) is expected there.
  'the top-level arguments': () => notApi(topArguments.filter((v) => v !== require)),
  'direct eval of the hooks\\' names': () => byName((name) => eval(name)),
  'parenthesized eval': () => byName((name) => (eval)(name)),
  'eval spelled with an escape': () => byName((name) => ev\\u0061l(name)),
  'indirect eval': () => byName((name) => (0, eval)(name)),
  'new Function': () => byName((name) => new Function('return ' + name)()),
  'a function\\'s constructor': () => byName((name) => (main as any).constructor('return ' + name)()),
  'a nested Compartment': () => byName((name) => new (globalThis as any).Compartment().evaluate(name)),
  'a function\\'s caller': () => { function f(): unknown { return (f as any).caller; } return notApi([f()]); },
  'arguments.callee': () => { function f(): unknown { return (arguments as any).callee; } return notApi([f()]); },
  'a getter\\'s caller while the runtime reads it': () => {
    const seen: unknown[] = [];
    const cls = new Proxy(node_t, { get(t, k, r) { try { seen.push((cls as any).caller); } catch { /* refused */ } return Reflect.get(t, k, r); } });
    try { XCALLOC(1, cls); } catch { /* refused */ }
    return notApi(seen);
  },
  'stack frames of an error thrown through the runtime': () => {
    const seen: unknown[] = [];
    try {
      (Error as any).prepareStackTrace = (_e: unknown, frames: any[]) => { for (const f of frames) seen.push(f.getFunction?.()); return ''; };
    } catch { return []; }
    try { XCALLOC({ valueOf() { void new Error().stack; return 1; } } as unknown as number, node_t); } catch { /* refused */ }
    return notApi(seen);
  },
};
`;

const SHADOWING = `
// A harness that declares the names the hooks once had, and other likely ones, as its own.
const __lmm$e = (site: number, x: unknown) => x;
function __lmm$l<T>(x: T): T { return x; }
const $lmm = 1;
function shadow(__lmm$t: number, $lmm$e: number) { return __lmm$t + $lmm$e + $lmm; }
`;

describe('the harness sandbox: the compiler hooks are out of the harness’s reach', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('no vector finds a hook, and calling what each finds cannot steer where a leak is attributed', async () => {
    const run = await probe.run(
      'hooks.lmm.ts',
      `${PRELUDE}${PROBES}${SHADOWING}
export default function main() {
  MM_REG_STRUCT(node_t);
  for (const [name, find] of Object.entries(probes)) {
    let found: unknown[];
    try { found = find(); } catch { found = []; }
    // Whatever was found is called as the hooks would be: a frame at site 0, never left.
    for (const f of found) { try { (f as any)(0, 0); (f as any)(0); } catch { /* not callable so */ } }
    print('PROBE', name, '=>', String(found.length));
  }
  print('SHADOW', shadow(1, 2));
  XCALLOC(1, node_t);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const lines = run.output.split('\n').filter((l) => l.startsWith('PROBE '));
    assert.equal(lines.length, 18, run.output);
    for (const line of lines) assert.match(line, /=> 0$/, line);
    assert.match(run.output, /^SHADOW 4$/m, 'the harness’s own declarations of those names are its own');
    const leaks = run.finished!.report.leaks;
    assert.equal(leaks.length, 1, JSON.stringify(leaks));
    const line = `${PRELUDE}${PROBES}${SHADOWING}`.split('\n').length + 11;
    assert.deepEqual(
      leaks[0]!.stack.map((s) => [s.line, s.column]),
      [[line, 3]],
      'the leak is attributed to its XCALLOC, and only to it',
    );
  });

  it('a free reference to a hook’s former name, spelled in the source, names nothing (an error at its line)', async () => {
    const run = await probe.run(
      'free.lmm.ts',
      `${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  (__lmm$e as any)(0, 0);\n}\ndeclare const __lmm$e: unknown;\n`,
    );
    assert.equal(run.outcome, 'crashed');
    assert.match(
      run.message!,
      /free\.lmm\.ts:5:\d+: (ReferenceError: __lmm\$e is not defined|TypeError: __lmm\$e is not a function)/,
    );
  });

  it('each compile names the hooks differently', async () => {
    const source = `${PRELUDE}export default function main() { print(/\\$lmm[0-9a-f]{16}\\$/.exec(main.toString())![0]); }\n`;
    const first = await probe.run('name1.lmm.ts', source);
    const second = await probe.run('name2.lmm.ts', source);
    assert.equal(first.outcome, 'completed', first.message);
    assert.match(first.output, /^\$lmm[0-9a-f]{16}\$\n$/);
    assert.notEqual(first.output, second.output);
  });
});
