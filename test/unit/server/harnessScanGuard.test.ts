/**
 * The language server's harness analysis never throws, whatever the text: nesting past the
 * limit, a chain that overflows the parser, any other failure; the file gets one reason instead.
 */
import { strict as assert } from 'node:assert';
import { scanHarnessSafely } from '../../../src/server/harnessScan';

describe('scanHarnessSafely (the language server on pathological input)', () => {
  it('20,000-deep nesting: no throw, one reason at the first bracket past the limit', () => {
    const text = `import { struct } from 'lmm-studio';\nconst x = ${'('.repeat(20_000)}1${')'.repeat(20_000)};\n`;
    const { scan, unreadable } = scanHarnessSafely(text, 'deep.lmm.ts');
    assert.deepEqual(scan.structs, []);
    assert.ok(unreadable);
    assert.equal(unreadable.line, 2);
    assert.equal(unreadable.column, 11 + 256);
    assert.match(unreadable.message, /nest more than 256 levels/);
  });

  it('a 700-deep array literal and unclosed brackets at any depth: no throw', () => {
    for (const text of [`const a = ${'['.repeat(700)}${']'.repeat(700)};`, '{'.repeat(50_000), `f(${'x => ('.repeat(5000)}`]) {
      assert.doesNotThrow(() => scanHarnessSafely(text));
    }
  });

  it('a 100,000-term chain without brackets: no throw (scanned, or one reason)', () => {
    const text = `let a = 1;\na = ${Array(100_000).fill('a').join(' + ')};\n`;
    const result = scanHarnessSafely(text);
    if (result.unreadable) assert.match(result.unreadable.message, /LMM cannot analyse this file/);
  });

  for (const [name, deep] of [
    ['20,000 unary minus', `${'- '.repeat(20_000)}1`],
    ['20,000 nested ternaries', `${'a ? 1 : '.repeat(20_000)}2`],
    ['20,000 if without braces', `${'if (a) '.repeat(20_000)}a`],
  ]) {
    it(`${name} (no brackets): one reason on their line, at a column inside them`, () => {
      const text = `let a = 1;\nlet x = 0;\nx = ${deep};\n`;
      const { unreadable } = scanHarnessSafely(text);
      assert.ok(unreadable);
      assert.match(unreadable.message, /LMM cannot analyse this file \(it nests too deeply here\)/);
      assert.equal(unreadable.line, 3);
      assert.ok(unreadable.column > 5 && unreadable.column <= 4 + deep.length, `column ${unreadable.column}`);
    });
  }

  it('brackets in strings, templates and comments do not count', () => {
    const text = `const s = '${'('.repeat(1000)}'; // ${'['.repeat(1000)}\n/* ${'{'.repeat(1000)} */ const t = \`\${'x'} ${'('.repeat(1000)}\`;\n@struct class a_t {}\n`;
    const { unreadable } = scanHarnessSafely(text);
    assert.equal(unreadable, undefined);
  });

  it('a file starting with a BOM is scanned like the same file without it', () => {
    const text = `import { struct, u32, MM_REG_STRUCT } from 'lmm-studio';\n@struct class a_t { @u32 x!: number; }\nMM_REG_STRUCT(a_t);\n`;
    const plain = scanHarnessSafely(text).scan;
    const bom = scanHarnessSafely(`\uFEFF${text}`).scan;
    assert.equal(bom.structs.length, 1);
    assert.deepEqual(
      bom.structs.map((s) => s.name),
      plain.structs.map((s) => s.name),
    );
    assert.equal(bom.registrations.length, plain.registrations.length);
  });
});
