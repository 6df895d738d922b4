/**
 * No stack trace ever reaches a user from a harness: thrown values of any shape become a message
 * at the harness line with the run reported; nesting too deep to parse is a compile error at its
 * position; a BOM is accepted; `lmm run`'s options are checked before anything runs.
 */
import { strict as assert } from 'node:assert';
import { lmm } from '../../../support/lmmCli';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const THROWN: [string, string][] = [
  ['an object with a throwing getter', `{ get message() { throw new Error('no'); }, get name() { throw 1; } }`],
  ['a Proxy throwing on every trap', `new Proxy({}, new Proxy({}, { get() { return () => { throw new Error('trap'); }; } }))`],
  ['a Symbol', `Symbol('thrown')`],
  ['null', `null`],
  ['undefined', `undefined`],
  ['a frozen object', `Object.freeze({ message: 'frozen', name: 'Frozen' })`],
  [
    'an Error subclass with a throwing message',
    `new (class extends Error { get message(): string { throw new Error('nope'); } })()`,
  ],
  ['a huge string', `'z'.repeat(5_000_000)`],
  ['a function', `function thrower() {}`],
];

describe('the harness sandbox: any input, no stack trace', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('a malformed suppressions text handed to the runner (the extension reads .lmmsupp beside a harness) is its FILE:LINE, before anything runs', async () => {
    const run = await probe.run('supp.lmm.ts', `${PRELUDE}export default function main() {}\n`, {
      suppressions: { text: '{\n  leak\n  memcheck:Leak\n', file: 'beside.lmmsupp' },
    });
    assert.equal(run.outcome, 'compile-error');
    assert.equal(run.message, "beside.lmmsupp:1: suppression is not closed with '}'");
  });

  for (const [name, value] of THROWN) {
    it(`a harness throwing ${name} crashes at its line, with its heap reported`, async () => {
      const run = await probe.run(
        `throw-${name.length}.lmm.ts`,
        `${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n  throw ${value};\n}\n`,
      );
      assert.equal(run.outcome, 'crashed', run.message);
      assert.match(run.message!, /^throw-\d+\.lmm\.ts:\d+:\d+: |\.lmm\.ts:6:\d+: /);
      assert.doesNotMatch(run.message!, /InternalError|harness-worker\.js|node:internal/);
      assert.ok(run.message!.length < 6000, `${run.message!.length} characters`);
      assert.equal(run.finished?.report.leaks.length, 1, 'the report is still produced');
    });
  }

  it('a 700-deep array literal is a compile error at its position, not a stack overflow in typescript.js', async () => {
    const run = await probe.run(
      'deep.lmm.ts',
      `export default function main() {\n  const a = ${'['.repeat(700)}${']'.repeat(700)};\n  return a;\n}\n`,
    );
    assert.equal(run.outcome, 'compile-error');
    assert.match(run.message!, /deep\.lmm\.ts:2:\d+: brackets nest more than 256 levels deep here/);
    assert.doesNotMatch(run.message!, /typescript\.js|Maximum call stack/);
  });

  it('20,000-deep parentheses and a 30,000-term chain are compile errors too', async () => {
    const parens = await probe.run(
      'parens.lmm.ts',
      `export default function main() {\n  return ${'('.repeat(20_000)}1${')'.repeat(20_000)};\n}\n`,
    );
    assert.equal(parens.outcome, 'compile-error');
    assert.match(parens.message!, /parens\.lmm\.ts:2:\d+: brackets nest/);
    const chain = await probe.run(
      'chain.lmm.ts',
      `export default function main() {\n  let a = 1;\n  a = ${Array(30_000).fill('a').join(' + ')};\n}\n`,
    );
    assert.ok(['compile-error', 'completed'].includes(chain.outcome), `${chain.outcome}: ${chain.message}`);
    if (chain.outcome === 'compile-error') assert.match(chain.message!, /chain\.lmm\.ts:\d+:\d+: /);
  });

  it('a chain too long to walk is a compile error where the chain starts, not at 1:1', async () => {
    // 300,000 terms without brackets overflow the instrumenter's walk (not the parser's).
    const run = await probe.run(
      'long-chain.lmm.ts',
      `export default function main() {\n  let a = 1;\n  a = ${Array(300_000).fill('1').join(' + ')};\n  return a;\n}\n`,
    );
    assert.equal(run.outcome, 'compile-error');
    assert.match(run.message!, /^\S*long-chain\.lmm\.ts:3:7: this file is too deeply nested to compile/);
  });

  for (const [name, deep] of [
    ['5,000 unary minus', `${'- '.repeat(5000)}1`],
    ['20,000 nested ternaries', `${'a ? 1 : '.repeat(20_000)}2`],
  ]) {
    it(`${name} (no brackets): lmm run says the line and a column inside them, not 1:1`, async () => {
      const file = probe.write('unbracketed.lmm.ts', `export default function main() {\n  const a = 1;\n  return ${deep};\n}\n`);
      const result = await lmm('run', file);
      assert.equal(result.status, 2);
      const at = /unbracketed\.lmm\.ts:(\d+):(\d+): this file is too deeply nested to compile/.exec(result.stderr);
      assert.ok(at, result.stderr);
      assert.equal(Number(at[1]), 3);
      const column = Number(at[2]);
      assert.ok(column > 10 && column <= 10 + deep.length, `column ${column}`);
      assert.doesNotMatch(result.stderr, /\n\s+at |typescript\.js/);
    });
  }

  // The position an editor shows (UTF-16 columns; CR, LF and CR LF end a line). esbuild counts
  // its columns in UTF-8 bytes: '漢字' before the error moved it 4 columns right, '😀' onto the
  // next line; a BOM added 3 to line 1's columns; lone CRs made every line line 1.
  for (const [name, text, at] of [
    ['CJK text before it', `export default function main() {\n  const s = '漢字'; let a = = 2;\n}\n`, '2:27'],
    ['emoji before it', `export default function main() {\n  const s = '😀😀😀'; let a = = 2;\n}\n`, '2:31'],
    ['a BOM, on line 1', `\uFEFFlet a = = 2;\n`, '1:9'],
    ['lines ending with CR alone', `export default function main() {\r  let a = 1;\r  a = = 2;\r}\r`, '3:7'],
    ['lines ending with CR LF', `export default function main() {\r\n  let a = 1;\r\n  a = = 2;\r\n}\r\n`, '3:7'],
  ]) {
    it(`a syntax error after ${name} is at the line and column an editor shows`, async () => {
      const run = await probe.run('syntax.lmm.ts', text!);
      assert.equal(run.outcome, 'compile-error');
      assert.equal(run.message!.replace(`${probe.dir}/`, ''), `syntax.lmm.ts:${at}: Unexpected "="`);
    });
  }

  it('a call on line 1 of a file with a BOM is at its editor column', async () => {
    const run = await probe.run(
      'bom1.lmm.ts',
      `\uFEFFimport { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio'; @struct class n_t { @u32 k!: number; } export default function main() { MM_REG_STRUCT(n_t); XCALLOC(1, n_t); }\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const column =
      `import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio'; @struct class n_t { @u32 k!: number; } export default function main() { MM_REG_STRUCT(n_t); `
        .length + 1;
    assert.deepEqual(
      run.finished!.report.leaks.map((l) => [l.site.line, l.site.column]),
      [[1, column]],
    );
  });

  for (const [name, end] of [
    ['CR alone', '\r'],
    ['CR LF, after a BOM', '\r\n'],
  ]) {
    it(`a leak and a throw in a file whose lines end with ${name} are at the editor's line and UTF-16 column`, async () => {
      const lines = [
        "import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';",
        '@struct class a_t { @u32 v!: number; }',
        'export default function main(): void {',
        '  MM_REG_STRUCT(a_t);',
        "  const s = '😀漢'; XCALLOC(1, a_t);",
        "  throw new Error('x');",
        '}',
      ];
      const bom = end === '\r\n' ? '\uFEFF' : '';
      const run = await probe.run(`ends-${end.length}.lmm.ts`, bom + lines.join(end!) + end);
      assert.equal(run.outcome, 'crashed', run.message);
      assert.match(run.message!, /ends-\d\.lmm\.ts:6:9: Error: x/);
      // '  const s = ' is 12 units, '😀' 2 and '漢' 1, then "'; ": XCALLOC starts at column 20.
      assert.deepEqual(
        run.finished!.report.leaks.map((l) => [l.site.line, l.site.column]),
        [[5, 20]],
      );
    });
  }

  it('256 levels of nesting still compile and run', async () => {
    const run = await probe.run(
      'ok-deep.lmm.ts',
      `export default function main() {\n  const a = ${'['.repeat(250)}${']'.repeat(250)};\n  void a;\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
  });

  it('a harness starting with a UTF-8 BOM runs, its positions unmoved', async () => {
    const run = await probe.run(
      'bom.lmm.ts',
      `\uFEFF${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.deepEqual(
      run.finished!.report.leaks.map((l) => [l.site.line, l.site.column]),
      [[5, 3]],
    );
  });

  describe('lmm run options', () => {
    let file: string;
    before(() => {
      file = probe.write('options.lmm.ts', `export default function main() {}\n`);
    });
    for (const [args, message] of [
      [
        ['--time-limit', '99999999999'],
        /^lmm run: --time-limit: 99999999999 is more than the largest, 2147483647 milliseconds\n$/,
      ],
      [['--time-limit', '0'], /^lmm run: --time-limit: takes a positive whole number of milliseconds, not '0'\n$/],
      [['--time-limit', '1.5'], /^lmm run: --time-limit: takes a positive whole number/],
      [['--time-limit', '1e3'], /^lmm run: --time-limit: takes a positive whole number/],
      [['--page-size', '100'], /^lmm run: --page-size: page size must be a multiple of 8 from 128 to 262144, not 100\n$/],
      [['--page-size', '4100'], /^lmm run: --page-size: page size must be a multiple of 8/],
      [['--memory-limit', '10'], /^lmm run: --memory-limit: 10 MB is too little to start a run \(at least 64\)\n$/],
      [['--memory-limit', 'lots'], /^lmm run: --memory-limit: takes a positive whole number of megabytes, not 'lots'\n$/],
      [['--memory-limit'], /^lmm run: --memory-limit: needs a value\n/],
    ] as const) {
      it(`${args.join(' ')}: exit 2 with what is wrong`, async () => {
        const result = await lmm('run', file, ...args);
        assert.equal(result.status, 2);
        assert.match(result.stderr, message);
        assert.doesNotMatch(result.stderr, /\n\s+at /);
      });
    }

    it('takes a time limit of 2^31-1 ms and a memory limit in range', async () => {
      const result = await lmm('run', file, '--time-limit', '2147483647', '--memory-limit', '512', '--json');
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /TimeoutOverflowWarning/);
    });
  });
});
