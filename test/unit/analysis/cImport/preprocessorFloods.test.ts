/**
 * Headers that are floods of one thing (a token, a directive, a nesting, an expansion): each is read
 * in time proportional to its length, and what is wrong in it is a message at its line, never a
 * JavaScript stack or a hang. 8 MiB of `;` took 11.5 s (an object, and four regular expressions,
 * for each `;`, twice over), and a macro argument of 200,000 tokens pasted with `##` overflowed the
 * call stack (`lmm: internal error: RangeError`).
 */
import { strict as assert } from 'node:assert';
import { preprocess } from '../../../../src/analysis/cImport/cPreprocessor';
import { tokenize } from '../../../../src/analysis/cImport/cTokens';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';

/** The processor time `work` takes, in milliseconds (less disturbed than the clock by other work). */
function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

describe('the built-in preprocessor on floods of one thing', function () {
  this.timeout(60_000);

  it('a punctuator met again on its line is one shared token, a new one on the next line or file', () => {
    const { tokens } = tokenize('# 1 "h.h"\n;;,;\n;\n# 1 "other.h"\n;');
    const [a, b, comma, c, nextLine, otherFile] = tokens;
    assert.equal(a, b);
    assert.equal(a, c);
    assert.notEqual(a, comma);
    assert.deepEqual([nextLine!.line, nextLine!.file], [2, undefined]);
    assert.notEqual(a, nextLine);
    assert.deepEqual([otherFile!.line, otherFile!.file], [1, 'other.h']);
  });

  it('8 MiB of ; imports in under 3 s of processor time (it took about 5)', () => {
    const semicolons = ';'.repeat(8 * 2 ** 20);
    let result: ReturnType<typeof importCHeader> | undefined;
    const ms = cpuMs(() => (result = importCHeader(`${semicolons}\nstruct after { int x; };\n`, 'h.h')));
    assert.ok(ms < 3_000, `${ms.toFixed(0)} ms`);
    assert.deepEqual(
      result!.structs.map((s) => [s.name, s.line, s.status]),
      [['after', 2, 'written']],
    );
  });

  it('1 MiB of , in an enum is one message at its line; the struct after it is imported', () => {
    const result = importCHeader(`enum e { A ${','.repeat(2 ** 20)} };\nstruct after { int x; };\n`, 'h.h');
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.message]),
      [[1, 'expected an enumerator name']],
    );
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.status]),
      [['after', 'written']],
    );
  });

  it('200,000 #defines: the last one is known', () => {
    const defines = Array.from({ length: 200_000 }, (_, i) => `#define M${i} ${i % 7}`).join('\n');
    const result = importCHeader(`${defines}\nstruct s { int x[M199999]; };\n`, 'h.h');
    assert.equal(result.structs[0]!.size, 4 * (199_999 % 7));
  });

  it('a 100,000-deep #if nest stops at its 5,001st level with that line, and many lines inside 4,900 levels stay cheap', () => {
    const nest = '#if 1\n'.repeat(100_000) + 'struct s { int x; };\n' + '#endif\n'.repeat(100_000);
    const result = importCHeader(nest, 'h.h');
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.message]),
      [[5001, '#if: conditionals nest deeper than 5000 levels']],
    );
    // Each line asked every level around it whether it was active: 4,900 checks a line, which
    // made the lines about five times as slow as inside one level (now under twice).
    const inside = (levels: number) => '#if 1\n'.repeat(levels) + 'int x;\n'.repeat(50_000) + '#endif\n'.repeat(levels);
    const [shallow, deep] = [1, 4_900].map((levels) => {
      const text = inside(levels);
      return Math.min(
        cpuMs(() => preprocess(text, 'h.h')),
        cpuMs(() => preprocess(text, 'h.h')),
      );
    });
    assert.ok(deep / shallow! < 3, `${shallow!.toFixed(0)} ms in 1 level, ${deep!.toFixed(0)} ms in 4,900`);
  });

  it('#else and #elif inside an inactive level stay inactive', () => {
    const text = '#if 0\n#if 1\nint a;\n#else\nint b;\n#endif\n#elif 1\nint c;\n#else\nint d;\n#endif\n';
    assert.deepEqual(
      preprocess(text, 'h.h')
        .text.split('\n')
        .filter((l) => /int/.test(l)),
      ['int c ;'],
    );
  });

  it('a macro that expands to itself through another stops there, as C says', () => {
    const result = importCHeader('#define A B\n#define B A\nstruct s { int A; int B; };\n', 'h.h');
    assert.deepEqual(
      result.structs[0]!.fields.map((f) => f.name),
      ['A', 'B'],
    );
  });

  it('__COUNTER__ counts up each time it is read, __LINE__ and __FILE__ say where, defined says they are', () => {
    const text =
      '#if __LINE__ == 1 && defined(__COUNTER__) && defined __FILE__\n' +
      'struct s { int x[__COUNTER__ + 1]; int y[__LINE__]; int z[__COUNTER__ + 5]; };\n' +
      '#endif\n' +
      'const char *f = __FILE__;\n';
    const out = preprocess(text, 'dir/h.h').text;
    assert.match(out, /int x \[ 0 \+ 1 \] ; int y \[ 2 \] ; int z \[ 1 \+ 5 \]/);
    assert.match(out, /f = "dir\/h.h" ;/);
    // gcc -E agrees: 36 bytes (1 + 2 + 6 ints).
    assert.equal(importCHeader(text, 'h.h').structs[0]!.size, 36);
  });

  it('a macro argument of 200,000 tokens pasted with ## is pasted, not a stack overflow', () => {
    const text = `#define P(a, b) a##b\nstruct s { int P(x, y${' ;'.repeat(200_000)}); };\n`;
    const result = importCHeader(text, 'h.h');
    assert.deepEqual(
      result.structs[0]!.fields.map((f) => f.name),
      ['xy'],
    );
  });

  it('a flood of nested ## calls pastes each level as gcc does, without expanding the pasted name', () => {
    const text = `#define C(a, b) a ## b\nstruct s { int ${'C(x,'.repeat(2_000)}y${')'.repeat(2_000)}; };\n`;
    const out = preprocess(text, 'h.h').text;
    // The argument next to ## is not expanded first: x then C, then ( as written.
    assert.match(out, /int xC \( x ,/);
  });

  it('a line of 100,000 unclosed F( is one message at its line, in under 2 s of processor time (it ran for minutes)', () => {
    const text = `#define F(x) x\n${'F('.repeat(100_000)}\nstruct s { int x; };\n`;
    let result: ReturnType<typeof preprocess> | undefined;
    const ms = cpuMs(() => (result = preprocess(text, 'h.h')));
    assert.ok(ms < 2_000, `${ms.toFixed(0)} ms`);
    assert.deepEqual(
      result!.problems.map((p) => [p.line, p.message]),
      [[2, 'unterminated argument list invoking macro "F" (the arguments end at a directive or the end of the file)']],
    );
  });

  it('a header that includes itself stops at 200 levels, as gcc stops, instead of defining its structs 200 times', () => {
    const files: Record<string, string> = { 'self.h': '#include "self.h"\nstruct s { int x; };\n' };
    const resolveInclude = (name: string) => (files[name] === undefined ? null : { name, text: files[name]! });
    const result = importCHeader(files['self.h']!, 'self.h', { resolveInclude });
    assert.deepEqual(
      result.stoppedBy.map((p) => [p.file, p.line, p.message]),
      [['self.h', 1, '#include "self.h": includes nest deeper than 200 levels']],
    );
    assert.deepEqual(result.structs, []);
    assert.ok(!result.notes.some((n) => /defined twice/.test(n.message)), JSON.stringify(result.notes.slice(0, 3)));
  });
});

describe('the columns of messages on floods of refusals', function () {
  this.timeout(60_000);

  it('10,000 unknown types on one line: read in under 5 s of processor time, without columns (searching the line for each took half a minute)', () => {
    const line = Array.from({ length: 10_000 }, (_, i) => `struct b${i} { unknown_t u; };`).join(' ');
    let result: ReturnType<typeof importCHeader> | undefined;
    const ms = cpuMs(() => (result = importCHeader(`${line}\nstruct after { unknown_t v; };\n`, 'h.h')));
    assert.ok(ms < 5_000, `${ms.toFixed(0)} ms`);
    const onFlood = result!.notes.filter((n) => n.line === 1);
    assert.equal(onFlood.length, 20_000);
    assert.ok(onFlood.every((n) => n.column === undefined));
    // A line of a header's own length still gets its columns.
    const after = result!.notes.filter((n) => n.line === 2).map((n) => [n.column, n.message.split(':')[0]]);
    assert.deepEqual(after, [
      [16, 'struct after.v'],
      [8, 'struct after'],
    ]);
  });

  it('10,000 refused declarations on one line: under 5 s, without columns', () => {
    const line = Array.from({ length: 10_000 }, (_, i) => `struct a${i} { int x[Q]; };`).join(' ');
    let result: ReturnType<typeof importCHeader> | undefined;
    const ms = cpuMs(() => (result = importCHeader(`${line}\nstruct after { int y[Q]; };\n`, 'h.h')));
    assert.ok(ms < 5_000, `${ms.toFixed(0)} ms`);
    assert.equal(result!.notes.filter((n) => n.line === 1 && n.column === undefined).length, 10_000);
    assert.deepEqual(
      result!.notes.filter((n) => n.line === 2).map((n) => n.column),
      [22],
    );
  });
});
