/**
 * The built-in preprocessor against what the C standard (and gcc -E) gives: expansion rules,
 * conditionals, directives it refuses, and line markers that keep the header's line numbers.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { preprocess } from '../../../../src/analysis/cImport/cPreprocessor';
import { compilerOrSkip } from '../../../support/cCompiler';

/** The preprocessed text without line markers and blank lines. */
function code(text: string, defines: { name: string; value: string }[] = []): string {
  return preprocess(text, 'p.h', { defines })
    .text.split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('# '))
    .join('\n');
}

describe('built-in C preprocessor', () => {
  it('expands nested, stringified, pasted and variadic macros as C does', () => {
    assert.equal(code('#define F(x) (x + 1)\nF(F(2))'), '( ( 2 + 1 ) + 1 )');
    assert.equal(code('#define S(x) #x\nS(a  b)'), '"a b"');
    assert.equal(code('#define CAT(a, b) a ## b\nCAT(uint, 32_t) v;'), 'uint32_t v ;');
    assert.equal(code('#define V(fmt, ...) f(fmt, __VA_ARGS__)\nV(1, 2, 3)'), 'f ( 1 , 2 , 3 )');
    assert.equal(code('#define x x + 1\nx'), 'x + 1', 'a macro does not expand inside itself');
    assert.equal(code('#define A B\n#define B A\nA'), 'A');
    assert.equal(code('#define F(x) x\nF'), 'F', 'a function-like macro name without ( stays');
  });

  it("reads prefixed character constants in #if as gcc does: u'x' and U'x' unsigned there", () => {
    assert.equal(code("#if L'\\0' - 1 > 0\nunsigned\n#else\nsigned\n#endif\n"), 'signed');
    assert.equal(code("#if '\\377' < 0 && L'\\xff' == 255 && L'\\u00e9' == 233\nyes\n#endif\n"), 'yes');
    // Unsigned in #if (gcc's preprocessor): u'x' - 'y' wraps to 2^64 - 1 (before, refused).
    assert.equal(code("#if u'x' - 'y' > 0 && U'x' - 'y' > 0 && u'x' == 120\nunsigned\n#else\nsigned\n#endif\n"), 'unsigned');
  });

  it('takes the branches gcc takes: #if arithmetic, defined, #elif chains, #undef, -D', () => {
    const text = '#if (2 * 3 > 5) && defined(__x86_64__) && !defined(NOPE)\nyes\n#else\nno\n#endif\n';
    assert.equal(code(text), 'yes');
    assert.equal(code("#if 'A' == 65 ? 0 : 1\na\n#elif 1 << 2 == 4\nb\n#elif 1\nc\n#endif\n"), 'b');
    assert.equal(code('#define X\n#undef X\n#ifdef X\nx\n#else\nnot_x\n#endif\n'), 'not_x');
    assert.equal(code('#if LEVEL >= 2\nhigh\n#endif\n', [{ name: 'LEVEL', value: '3' }]), 'high');
    assert.equal(code('#if UNDEFINED_NAME\nu\n#endif\nafter'), 'after', 'unknown names are 0 in #if');
    assert.equal(code('#if 0\n#if 1\ninner\n#endif\n#else\nouter\n#endif\n'), 'outer');
  });

  it('keeps line numbers through comments, continuations and includes, with the markers -E writes', () => {
    const out = preprocess('/* a\nb */ #define X 1\n#include "i.h"\nstruct s;\n', 'p.h', {
      resolveInclude: (name) => (name === 'i.h' ? { name: 'inc/i.h', text: 'int i;\n' } : null),
    }).text.split('\n');
    assert.equal(out[0], '# 1 "p.h"');
    assert.ok(out.includes('# 1 "inc/i.h"'));
    assert.ok(out.includes('# 4 "p.h"'), out.join('\n'));
    assert.equal(out[out.indexOf('# 4 "p.h"') + 1], 'struct s ;');
  });

  it('says what it cannot do, with the line: #error, unknown directives, unbalanced conditionals, missing includes', () => {
    const { problems } = preprocess(
      '#error stop here\n#frobnicate\n#endif\n#if 1\n#include "missing.h"\n#if 1/0\n#endif\n',
      'p.h',
    );
    assert.deepEqual(
      problems.map((p) => [p.line, p.message]),
      [
        [1, '#error stop here'],
        [2, '#frobnicate: unknown preprocessor directive, ignored'],
        [3, '#endif without #if'],
        [5, '#include "missing.h": not found next to p.h nor in an -I directory'],
        [6, '#if 1/0: division by zero in #if'],
        [4, '#if without #endif'],
      ],
    );
  });

  it('does not compute an operand C skips in #if (0 && 1/0, 1 || 1/0, 0 ? 1/0 : 2), as gcc -E does not', () => {
    const { text, problems } = preprocess(
      '#if 0 && 1/0\na\n#endif\n#if 1 || 1/0\nb\n#endif\n#if 0 ? 1/0 : 2\nc\n#endif\n#if 1 ? 0 : 1 % 0\nd\n#endif\n#if 1 && 1/0\ne\n#endif\n#if 0 || 1/0\nf\n#endif\n',
      'p.h',
    );
    assert.deepEqual(
      problems.map((p) => [p.line, p.message]),
      [
        [13, '#if 1 && 1/0: division by zero in #if'],
        [16, '#if 0 || 1/0: division by zero in #if'],
      ],
    );
    assert.deepEqual(
      text.split('\n').filter((l) => /^[a-f]$/.test(l)),
      ['b', 'c'],
    );
  });

  it("reads a macro's arguments over the lines they go on over, as gcc -E does: the expansion on the first line, the lines after keep their numbers", () => {
    const { text, problems } = preprocess(
      '#define G(name, ...) struct { __VA_ARGS__ } name;\nG(g,\n  int a;\n  int b;\n)\nint after;\nG(h, int c;\n#define X 1\nint d;\n',
      'p.h',
    );
    const lines = text.split('\n').slice(1);
    assert.equal(lines[1], 'struct { int a ; int b ; } g ;');
    assert.deepEqual(lines.slice(2, 5), ['', '', '']);
    assert.equal(lines[5], 'int after ;', 'line 6 is still line 6');
    // Unclosed before a directive: gcc's words, at the line of the call; the lines after are read as they are.
    assert.deepEqual(
      problems.map((p) => [p.line, p.message]),
      [[7, 'unterminated argument list invoking macro "G" (the arguments end at a directive or the end of the file)']],
    );
    assert.equal(lines[8], 'int d ;');
  });

  it("defines what gcc -std=gnu11 predefines with gcc's values: type macros (__SIZE_TYPE__), sizes, the C version", function () {
    const cc = compilerOrSkip(this);
    const gcc = new Map(
      execFileSync(cc, ['-std=gnu11', '-dM', '-E', '-x', 'c', '/dev/null'], { encoding: 'utf8' })
        .split('\n')
        .map((line) => /^#define (\w+) (.*)$/.exec(line))
        .filter((m) => m !== null)
        .map((m): [string, string] => [m[1]!, m[2]!]),
    );
    const ours = new Map(
      [...gcc.keys()].map((name): [string, string] => [name, code(name)]).filter(([name, value]) => value !== name),
    );
    // __GNUC__ stays 4 (the built-in preprocessor is not the compiler that runs); every other one it defines is gcc's.
    ours.delete('__GNUC__');
    ours.delete('__GNUC_MINOR__');
    // (gcc's __BYTE_ORDER__ is __ORDER_LITTLE_ENDIAN__: compared as it expands.)
    const gccValue = (name: string): string => {
      const value = gcc.get(name)!.trim();
      return gcc.has(value) ? gccValue(value) : value;
    };
    for (const [name, value] of ours) assert.equal(value, gccValue(name), name);
    for (const name of [
      '__SIZE_TYPE__',
      '__PTRDIFF_TYPE__',
      '__WCHAR_TYPE__',
      '__INT64_TYPE__',
      '__UINTPTR_TYPE__',
      '__BIGGEST_ALIGNMENT__',
      '__STDC_VERSION__',
    ])
      assert.ok(ours.has(name), `${name} is predefined`);
  });

  it("records where a header's fallback for a macro an unread include may define is expanded, and only that", () => {
    const uses = (text: string) =>
      preprocess(text, 'p.h', {
        resolveInclude: (name) => (name === 'found.h' ? { name: 'found.h', text: '#define FROM_FOUND 1\n' } : null),
      }).fallbackUses.map((u) => `${u.line} ${u.macro} ${u.definedAt} ${u.unread} ${u.unreadAt}`);
    const fallback = '#ifndef PACKED\n#define PACKED\n#endif\nstruct s { int a; } PACKED;\n';
    assert.deepEqual(uses(`#include <bits/x.h>\n${fallback}`), ['5 PACKED p.h:2 <bits/x.h> p.h:1']);
    assert.deepEqual(uses(`#include "missing.h"\n${fallback}`), ['5 PACKED p.h:2 "missing.h" p.h:1']);
    assert.deepEqual(uses(`#include <x.h>\n#if !defined(PACKED)\n#define PACKED\n#endif\nPACKED`), [
      '5 PACKED p.h:2 <x.h> p.h:1',
    ]);
    // Nested in another macro's body, it is still found on the line that expands it.
    assert.deepEqual(uses(`#include <x.h>\n${fallback}#define FIELDS int b PACKED;\nstruct t { FIELDS };`), [
      '5 PACKED p.h:2 <x.h> p.h:1',
      '7 PACKED p.h:2 <x.h> p.h:1',
    ]);
    assert.deepEqual(uses(fallback), [], 'no include was left unread before it');
    assert.deepEqual(uses(`#include "found.h"\n${fallback}`), [], 'the include was read');
    assert.deepEqual(uses(`#include <x.h>\n#ifndef GUARD_H\n#define OTHER\n#endif\nOTHER`), [], 'it defines another name');
    assert.deepEqual(uses(`#define PACKED\n#include <x.h>\n${fallback}`), [], 'the #ifndef is not taken');
    assert.deepEqual(uses(`#include <x.h>\n#ifndef PACKED\n#define PACKED\n#endif\n#if PACKED + 1\n#endif`), [], 'not in text');
  });

  it('reads a #pragma once file once, and stops an include loop with a message', () => {
    const files: Record<string, string> = {
      'once.h': '#pragma once\nint once_v;\n',
      'loop.h': '#include "loop.h"\nint loop_v;\n',
    };
    const resolveInclude = (name: string) => (files[name] === undefined ? null : { name, text: files[name]! });
    const once = preprocess('#include "once.h"\n#include "once.h"\n', 'p.h', { resolveInclude });
    assert.equal(once.text.match(/once_v/g)?.length, 1);
    const loop = preprocess('#include "loop.h"\n', 'p.h', { resolveInclude });
    assert.ok(loop.problems.some((p) => p.file === 'loop.h' && /includes nest deeper than 200 levels/.test(p.message)));
  });
});
