/**
 * The capability boundary, tried as an attacker would: each classic way out of a JavaScript
 * sandbox, from inside a harness. Every probe must come back without `process`, `require` or a
 * host `Function`, and the run must still complete and report its heap.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

// Each probe returns what it reached, as `typeof process.pid` seen through its vector, or throws.
// "undefined" (nothing reached) or a refusal are the only acceptable answers. (A harness's
// `process` is a stand-in whose every member throws that it is not available: hostGlobals.test.ts.)
const PROBES = `
const probes: Record<string, () => unknown> = {
  'object constructor chain': () => ({} as any).constructor.constructor('try { return typeof process.pid; } catch { return "undefined"; }')(),
  'Function("return this")': () => { const g = Function('return this')(); try { return typeof (g && g.process.pid); } catch { return 'undefined'; } },
  'array constructor chain': () => ([] as any).constructor.constructor('try { return typeof process.pid; } catch { return "undefined"; }')(),
  'an API function\\'s constructor': () => (XCALLOC as any).constructor('try { return typeof process.pid; } catch { return "undefined"; }')(),
  'the console\\'s constructor chain': () => (console as any).constructor.constructor('try { return typeof process.pid; } catch { return "undefined"; }')(),
  'console.log\\'s constructor': () => (console.log as any).constructor('try { return typeof process.pid; } catch { return "undefined"; }')(),
  'a view\\'s constructor chain': () => (view as any).constructor.constructor('try { return typeof process.pid; } catch { return "undefined"; }')(),
  'a view getter\\'s constructor': () => {
    const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(view), 'key')!.get as any;
    return getter.constructor('try { return typeof process.pid; } catch { return "undefined"; }')();
  },
  'a runtime error\\'s constructor': () => {
    try { XCALLOC(-1, node_t); } catch (e: any) { return e.constructor.constructor('try { return typeof process.pid; } catch { return "undefined"; }')(); }
    return 'no error';
  },
  'the require the harness was given': () => { const r = (globalThis as any).require; return typeof r; },
  'globalThis walk': () => {
    const names = Object.getOwnPropertyNames(globalThis);
    const hostile = ['process', 'require', 'module', 'Buffer', 'setTimeout', 'setImmediate', 'queueMicrotask', 'fetch', 'WebAssembly'];
    // A stand-in is there only to throw that it is not available; the host's would not.
    const standIn = (n: string) => { try { const v = (globalThis as any)[n]; return typeof v === 'function' ? v() : v.x, false; } catch (e) { return /is not available in a harness/.test((e as Error).message); } };
    const found = hostile.filter((n) => names.includes(n) && !standIn(n));
    return found.length === 0 ? 'undefined' : found.join(',');
  },
  'Error.prepareStackTrace on a runtime error': () => {
    let seen: unknown[] = [];
    (Error as any).prepareStackTrace = (_e: unknown, frames: any[]) => { seen = frames.map((f) => f.getThis?.() ?? f.getFunction?.()); return 'x'; };
    try { XCALLOC(0, node_t); } catch (e: any) { void e.stack; }
    const host = seen.find((v) => v !== undefined && v !== null);
    return host === undefined ? 'undefined' : typeof (host as any).constructor?.constructor?.('try { return typeof process.pid; } catch { return "undefined"; }')?.();
  },
  'arguments.callee.caller from a getter the runtime reads': () => {
    let caller: unknown = 'none';
    const options = { get memoryCap() { try { caller = (options as any).__lookupGetter__('memoryCap').caller; } catch { caller = 'refused'; } return 1 << 20; } };
    mm_init(options);
    return caller === 'refused' || caller === null || caller === undefined ? 'undefined' : typeof caller;
  },
  'a valueOf trap on a field value': () => {
    let received: unknown[] = [];
    view.key = { valueOf(...args: unknown[]) { received = [this, ...args]; return 5; } } as unknown as number;
    return received.some((v) => typeof v === 'function') ? 'function' : 'undefined';
  },
  'a Proxy as a pointer field value': () => {
    const seen: unknown[] = [];
    const trap = new Proxy({}, { get(t, k, r) { seen.push(r); return undefined; }, getPrototypeOf(t) { seen.push(t); return null; } });
    try { view.next = trap as unknown as node_t; } catch { /* refused */ }
    return seen.some((v) => v !== trap && typeof v === 'object' && v !== null && Object.getPrototypeOf(v) !== Object.prototype) ? 'object' : 'undefined';
  },
  'a Proxy as XCALLOC\\'s struct': () => {
    const p = new Proxy(node_t, {});
    try { XCALLOC(1, p as unknown as typeof node_t); } catch { /* refused */ }
    return 'undefined';
  },
  'a toString trap as a char field value': () => {
    let self: unknown;
    view.name = { toString() { self = this; return 'ab'; } } as unknown as string;
    return typeof (self as any)?.constructor?.constructor?.('try { return typeof process.pid; } catch { return "undefined"; }')?.();
  },
};
const replacements: Record<string, () => void> = {
  'Atomics.load': () => { (Atomics as any).load = () => 0; },
  'JSON.stringify': () => { (JSON as any).stringify = () => '{}'; },
  'Array.prototype.push': () => { (Array.prototype as any).push = () => 0; },
  'an Object.prototype setter': () => { Object.defineProperty(Object.prototype, 'suppressed', { set() {} }); },
  'an Object.prototype getter': () => { Object.defineProperty(Object.prototype, 'kind', { get() { return 'x'; } }); },
  'Array[Symbol.species]': () => { Object.defineProperty(Array, Symbol.species, { get() { return Object; } }); },
  'Promise.prototype.then': () => { (Promise.prototype as any).then = () => undefined; },
  'Map.prototype.get': () => { (Map.prototype as any).get = () => undefined; },
  'Error.captureStackTrace': () => { (Error as any).captureStackTrace = () => undefined; },
  'console.log': () => { (console as any).log = () => undefined; },
};
`;

const HARNESS = `${PRELUDE}
let view: node_t;
${PROBES}
export default async function main() {
  MM_REG_STRUCT(node_t);
  view = XCALLOC(1, node_t)!;
  for (const [name, probe] of Object.entries(probes)) {
    let answer: string;
    try { answer = String(probe()); } catch (e) { answer = 'refused'; }
    print('probe', name, '=>', answer);
  }
  for (const [name, replace] of Object.entries(replacements)) {
    let answer = 'replaced';
    try { replace(); } catch { answer = 'refused'; }
    print('replace', name, '=>', answer);
  }
  // A thenable as main's result: its then runs, nothing of the runner's leaks into it.
  const leaked = XCALLOC(1, node_t);
  void leaked;
  return { then(resolve: (v: unknown) => void) { resolve(typeof (globalThis as any).process); } };
}
`;

describe('the harness sandbox: escape attempts', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('no classic vector reaches process, require or a host Function, no built-in can be replaced, and the run still reports', async () => {
    const run = await probe.run('escape.lmm.ts', HARNESS);
    assert.equal(run.outcome, 'completed', run.message);
    const lines = run.output.trim().split('\n');
    const probes = lines.filter((l) => l.startsWith('probe '));
    const replacements = lines.filter((l) => l.startsWith('replace '));
    assert.equal(probes.length, 17, run.output);
    assert.equal(replacements.length, 10, run.output);
    for (const line of probes) assert.match(line, /=> (undefined|refused)$/, line);
    for (const line of replacements) assert.match(line, /=> refused$/, line);
    // The verdicts are the runtime's: one block leaked (the probes' own view is still referenced
    // from a module variable, so "reachable"), whatever the harness tried to replace.
    const report = run.finished!.report;
    assert.equal(report.leaks.length >= 1, true, JSON.stringify(report.leaks));
    assert.ok(report.leaks.some((l) => l.kind === 'definitely-lost'));
  });

  it('a harness importing anything but lmm-studio is refused with a clear message', async () => {
    const run = await probe.run(
      'imports.lmm.ts',
      `import * as fs from 'fs';\nexport default function main() { fs.readFileSync('/etc/passwd'); }\n`,
    );
    assert.notEqual(run.outcome, 'completed');
    assert.match(run.message!, /fs|import/);
  });

  it("C's `while (n-->0)`, and the texts in comments, run as written; a regular expression's `.source` shows the escape", async () => {
    const run = await probe.run(
      'c-idiom.lmm.ts',
      `${PRELUDE}export default function main() {\n  let n = 3;\n  while (n-->0) print(String(n));\n  // --> <!-- import( in a comment\n  /* --> <!-- import( */\n  const re = /a-->b/;\n  print(String(re.test('a-->b')), re.source);\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, '2\n1\n0\ntrue a--\\u003Eb\n');
  });

  it('`import(`, HTML comment and `eval(` text in strings, templates and regular expressions still runs (SES rejects it as text; it is escaped)', async () => {
    const run = await probe.run(
      'texts.lmm.ts',
      `${PRELUDE}export default function main() {\n  print("import('fs') <!-- -->", \`import (x)\`, /import(y)<!--/.test('importy<!--'), 'eval(1)');\n  const o = { import(x: number) { return x + 1; } };\n  print(o.import(1));\n  MM_REG_STRUCT(node_t);\n  const n = XCALLOC(1, node_t)!;\n  XFREE(n); print('<!-- import(z)'); n.key = 1;\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, "import('fs') <!-- --> import (x) true eval(1)\n2\n<!-- import(z)\n");
    // The escapes do not move positions: the use after free after them on line 9 is at its column.
    const error = run.finished!.report.errors[0]!;
    assert.deepEqual([error.site.line, error.site.column], [9, 40], 'where the same line without the texts to escape puts it');
  });

  it('a harness evaluating code at run time stays in its Compartment', async () => {
    const run = await probe.run(
      'eval.lmm.ts',
      `${PRELUDE}export default function main() {\n  const pid = (code: string) => { try { return String(eval(code)); } catch (e) { return (e as Error).message.split(':')[0]; } };\n  print(pid('typeof process.pid'), String(new Function('return typeof require')()), pid('typeof globalThis.process.pid'));\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    // The harness's process is the stand-in, which throws that it is not there (hostGlobals.test.ts).
    assert.equal(run.output, 'process is not available in a harness undefined process is not available in a harness\n');
  });
});
