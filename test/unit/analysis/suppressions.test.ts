import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  framesMatch,
  matchErrorSuppression,
  matchLeakSuppression,
  parseSuppressions,
  SuppressionSyntaxError,
  suppressionText,
} from '../../../src/analysis/suppressions';
import { site } from '../../support/runDataBuilder';

function parseError(text: string): SuppressionSyntaxError {
  try {
    parseSuppressions(text, 'bad.lmmsupp');
  } catch (error) {
    assert.ok(error instanceof SuppressionSyntaxError);
    return error;
  }
  assert.fail('expected a syntax error');
}

describe('suppressions', () => {
  it('parses entries with comments, kinds, struct and frames', () => {
    const [entry, error] = parseSuppressions(
      [
        '# known leaks',
        '{',
        '   students kept',
        '   lmm:Leak',
        '   match-leak-kinds: reachable,possibly-lost',
        '   struct: student_*',
        '   src:school.lmm.ts:4?',
        '   ...',
        '   src:*/examples/*.ts',
        '}',
        '',
        '{',
        '  all errors in helpers',
        '  lmm:Error',
        '  match-error-kinds: double-free, invalid-free',
        '  src:helpers.ts',
        '}',
      ].join('\n'),
      'x.lmmsupp',
    );
    assert.equal(entry!.name, 'students kept');
    assert.equal(entry!.line, 2);
    assert.deepEqual([...entry!.leakKinds!], ['still-reachable', 'possibly-lost']);
    assert.equal(entry!.frames.length, 3);
    assert.deepEqual([...error!.errorKinds!], ['double-free', 'invalid-free']);
  });

  it('matches kind, struct and frames with wildcards and "..."', () => {
    const [entry] = parseSuppressions(
      '{\n s\n lmm:Leak\n match-leak-kinds: definite\n struct: node_?\n src:list.lmm.ts:1*\n ...\n src:/home/me/*/main.lmm.ts:99:*\n}',
      'x',
    );
    const stack = [site(12, 1, '/w/list.lmm.ts'), site(50, 1, '/w/helpers.ts'), site(99, 5, '/home/me/proj/main.lmm.ts')];
    assert.ok(matchLeakSuppression([entry!], 'definitely-lost', 'node_t', stack));
    assert.equal(matchLeakSuppression([entry!], 'indirectly-lost', 'node_t', stack), undefined, 'kind');
    assert.equal(matchLeakSuppression([entry!], 'definitely-lost', 'node_tt', stack), undefined, 'struct');
    assert.equal(matchLeakSuppression([entry!], 'definitely-lost', 'node_t', [site(22, 1, '/w/list.lmm.ts')]), undefined, 'line');
    // '...' may match no frame at all.
    assert.ok(matchLeakSuppression([entry!], 'definitely-lost', 'node_t', [stack[0]!, stack[2]!]));
  });

  it('matches the stack from its innermost frame; a longer stack still matches', () => {
    const [entry] = parseSuppressions('{\n s\n lmm:Leak\n src:a.ts:1\n src:b.ts\n}', 'x');
    assert.ok(framesMatch(entry!.frames, [site(1, 1, 'a.ts'), site(2, 1, 'b.ts'), site(3, 1, 'c.ts')]));
    assert.ok(!framesMatch(entry!.frames, [site(2, 1, 'b.ts'), site(1, 1, 'a.ts')]));
    assert.ok(!framesMatch(entry!.frames, [site(1, 1, 'a.ts')]), 'a pattern longer than the stack');
    assert.ok(framesMatch(entry!.frames, [site(1, 1, 'C:\\proj\\a.ts'), site(9, 1, 'C:\\proj\\b.ts')]), 'Windows paths');
  });

  it('lmm:<error kind> entries silence that error kind only', () => {
    const [entry] = parseSuppressions('{\n s\n lmm:use-after-free\n}', 'x');
    assert.ok(matchErrorSuppression([entry!], 'use-after-free', [site(1)]));
    assert.equal(matchErrorSuppression([entry!], 'double-free', [site(1)]), undefined);
    assert.equal(matchLeakSuppression([entry!], 'definitely-lost', 'x', [site(1)]), undefined);
  });

  it("the README's example entry silences a still reachable student_t allocated at list.lmm.ts:12, and nothing else", () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const example = /```\n(\{\n {3}list-kept-until-exit\n[^`]*\})\n```/.exec(readme);
    assert.ok(example, 'the README shows the suppression entry');
    const [entry, ...more] = parseSuppressions(example[1]!, 'README.md');
    assert.equal(more.length, 0);
    const stack = [site(12, 13, '/w/list.lmm.ts'), site(30, 3, '/w/list.lmm.ts')];
    assert.ok(matchLeakSuppression([entry!], 'still-reachable', 'student_t', stack));
    assert.equal(matchLeakSuppression([entry!], 'definitely-lost', 'student_t', stack), undefined, 'kind');
    assert.equal(matchLeakSuppression([entry!], 'still-reachable', 'emp_t', stack), undefined, 'struct');
    assert.equal(
      matchLeakSuppression([entry!], 'still-reachable', 'student_t', [site(13, 13, '/w/list.lmm.ts')]),
      undefined,
      'line',
    );
  });

  it('reports bad input with file and line', () => {
    assert.equal(parseError('\n\nfoo').message, "bad.lmmsupp:3: expected '{' to start a suppression, found 'foo'");
    assert.match(parseError('{\n name\n lmm:Leak\n').message, /^bad\.lmmsupp:1: suppression is not closed/);
    assert.match(
      parseError('{\n name\n Memcheck:Leak\n}').message,
      /^bad\.lmmsupp:3: expected lmm:Leak, lmm:Error or lmm:<error kind>, found 'Memcheck:Leak' \(memcheck's Memcheck:Leak is lmm:Leak\)$/,
    );
    assert.match(
      parseError('{\n name\n Memcheck:Free\n}').message,
      /found 'Memcheck:Free' \(memcheck's error kinds are lmm:Error or lmm:<error kind>\)$/,
    );
    assert.match(parseError('{\n name\n Helgrind:Race\n}').message, /found 'Helgrind:Race'$/);
    assert.match(
      parseError('{\n n\n lmm:Leak\n match-leak-kinds: constructor\n}').message,
      /^bad\.lmmsupp:4: unknown leak kind 'constructor'/,
    );
    assert.match(parseError('{\n name\n lmm:Leek\n}').message, /^bad\.lmmsupp:3: unknown kind lmm:Leek/);
    assert.match(
      parseError('{\n n\n lmm:Leak\n match-leak-kinds: definitly\n}').message,
      /^bad\.lmmsupp:4: unknown leak kind 'definitly'/,
    );
    assert.match(parseError('{\n n\n lmm:Leak\n fun:malloc\n}').message, /^bad\.lmmsupp:4: .*src:FILE/);
    assert.match(parseError('{\n n\n lmm:Leak\n{').message, /^bad\.lmmsupp:4: '\{' inside a suppression/);
    assert.match(parseError('{\n only a name\n}').message, /^bad\.lmmsupp:1: a suppression needs a name line and a kind line/);
  });

  it('reads CR LF line ends as LF ones: the same entries, and an error at the same line', () => {
    const lf = '# kept\n{\n   kept\n   lmm:Leak\n   struct: a_t\n   src:list.lmm.ts:12\n   ...\n}\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const strip = (entries: ReturnType<typeof parseSuppressions>) =>
      entries.map((e) => [e.name, e.line, e.struct?.source, e.frames.length]);
    assert.deepEqual(strip(parseSuppressions(crlf, 'x')), strip(parseSuppressions(lf, 'x')));
    assert.deepEqual(strip(parseSuppressions(lf, 'x')), [['kept', 2, 'a_t', 2]]);
    assert.equal(parseError('\r\n\r\nfoo\r\n').message, "bad.lmmsupp:3: expected '{' to start a suppression, found 'foo'");
  });

  it('plain patterns match whole names only; Windows paths match with either slash', () => {
    const [entry] = parseSuppressions('{\n w\n lmm:Leak\n struct: node_t\n src:C:\\work\\list.lmm.ts:12\n}\n', 'x');
    const windows = [site(12, 3, 'C:\\work\\list.lmm.ts')];
    assert.ok(matchLeakSuppression([entry!], 'definitely-lost', 'node_t', windows));
    assert.ok(matchLeakSuppression([entry!], 'definitely-lost', 'node_t', [site(12, 3, 'C:/work/list.lmm.ts')]));
    for (const struct of ['node_', 'node_t2', 'xnode_t', 'NODE_T']) {
      assert.equal(matchLeakSuppression([entry!], 'definitely-lost', struct, windows), undefined, struct);
    }
    assert.equal(matchLeakSuppression([entry!], 'definitely-lost', 'node_t', [site(120, 3, 'C:\\work\\list.lmm.ts')]), undefined);
    assert.equal(matchLeakSuppression([entry!], 'definitely-lost', 'node_t', [site(12, 3, 'C:\\work\\list.lmm.tsx')]), undefined);
  });

  it('generates an entry that suppresses the record it came from', () => {
    const stack = [site(12, 3, '/w/list.lmm.ts'), site(40, 1, '/w/list.lmm.ts')];
    const text = suppressionText('my leak', { kind: 'definitely-lost', struct: 'node_t', stack });
    assert.equal(
      text,
      '{\n   my leak\n   lmm:Leak\n   match-leak-kinds: definite\n   struct: node_t\n   src:list.lmm.ts:12:3\n   src:list.lmm.ts:40:1\n}\n',
    );
    const parsed = parseSuppressions(text, 'gen');
    assert.ok(matchLeakSuppression(parsed, 'definitely-lost', 'node_t', stack));
  });
});
