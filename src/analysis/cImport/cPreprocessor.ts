/**
 * A C preprocessor for headers, for when no C compiler is on PATH: object- and function-like
 * macros (`#`, `##`, `__VA_ARGS__`), `#if` / `#ifdef` / `#ifndef` / `#elif` / `#else` / `#endif`
 * with constant expressions and `defined`, `#include "..."` (system `<...>` includes are skipped
 * with a note), `#undef`, line continuations and comments. Its output is C text with the
 * `# LINE "FILE"` markers a compiler's `-E` writes, so the importer reads both the same way and
 * every message keeps the header's own line numbers.
 */
import type { CProblem } from './cDeclarations';
import { evaluateExpression } from './cExpressions';
import { IDENTIFIER_PART, IDENTIFIER_START, LITERAL_PREFIXES, universalCharacterAt } from './cTokens';
import { gccColumn } from './gccColumn';

export interface IncludedFile {
  /** How messages name it. */
  name: string;
  text: string;
  /** Why it is not read although it is there (`not a regular file`: a device, a FIFO). */
  refused?: string;
}

export interface PreprocessOptions {
  /** `-D NAME[=VALUE]`: defined before the header is read (VALUE defaults to 1). */
  defines?: readonly { name: string; value: string }[];
  /**
   * Finds `#include "name"` from the file `from`: relative to it, then the `-I` directories; and
   * `#include <name>` (`angled`) in the `-I` directories only, as a compiler looks for them.
   */
  resolveInclude?: (name: string, from: string, angled?: boolean) => IncludedFile | null;
}

export interface Preprocessed {
  text: string;
  problems: CProblem[];
  /** Where a header's fallback for a macro an unread include may define was expanded. */
  fallbackUses: FallbackUse[];
}

/**
 * `#ifndef M` / `#define M …` read after an include the built-in preprocessor did not read (a
 * system header, or one not found): the header's fallback for when no header before defines M.
 * The unread one may well define it (sys/epoll.h's `__EPOLL_PACKED` is packed in bits/epoll.h,
 * empty in its fallback), so what uses M may be laid out otherwise by the compiler.
 */
export interface FallbackUse {
  /** Where it is expanded: the line, and the included file (undefined: the header itself). */
  line: number;
  file?: string;
  macro: string;
  /** Where the `#ifndef` is, as `FILE:LINE`. */
  definedAt: string;
  /** The last include not read before the `#ifndef` (`<bits/epoll.h>`), and where it stands. */
  unread: string;
  unreadAt: string;
}

interface Macro {
  params: string[] | null;
  variadic: boolean;
  body: PpToken[];
  fallback?: { definedAt: string; unread: string; unreadAt: string };
}

interface PpToken {
  text: string;
  kind: 'id' | 'num' | 'str' | 'punct';
  /** White space before it in the text lexed (what `#x` keeps as one space: "a .h" for `a .h`). */
  spaceBefore?: true;
}

/** What a compiler for x86-64 Linux defines, so headers take the branches gcc takes. */
const PREDEFINED: Record<string, string> = {
  __STDC__: '1',
  __STDC_VERSION__: '201112L', // -std=gnu11, as the compiler's preprocessor is run
  __STDC_HOSTED__: '1',
  __GNUC__: '4',
  __GNUC_MINOR__: '2',
  __x86_64__: '1',
  __x86_64: '1',
  __amd64__: '1',
  __LP64__: '1',
  _LP64: '1',
  __linux__: '1',
  __linux: '1',
  __unix__: '1',
  __CHAR_BIT__: '8',
  __SIZEOF_INT__: '4',
  __SIZEOF_LONG__: '8',
  __SIZEOF_LONG_LONG__: '8',
  __SIZEOF_POINTER__: '8',
  __SIZEOF_SHORT__: '2',
  __SIZEOF_LONG_DOUBLE__: '16',
  __SIZEOF_INT128__: '16',
  __SIZEOF_FLOAT__: '4',
  __SIZEOF_DOUBLE__: '8',
  __SIZEOF_FLOAT80__: '16',
  __SIZEOF_FLOAT128__: '16',
  __SIZEOF_SIZE_T__: '8',
  __SIZEOF_PTRDIFF_T__: '8',
  __SIZEOF_WCHAR_T__: '4',
  __SIZEOF_WINT_T__: '4',
  __BIGGEST_ALIGNMENT__: '16',
  // The types gcc names these with (glibc's glob.h declares size_t as __SIZE_TYPE__).
  __SIZE_TYPE__: 'long unsigned int',
  __PTRDIFF_TYPE__: 'long int',
  __WCHAR_TYPE__: 'int',
  __WINT_TYPE__: 'unsigned int',
  __INTMAX_TYPE__: 'long int',
  __UINTMAX_TYPE__: 'long unsigned int',
  __CHAR16_TYPE__: 'short unsigned int',
  __CHAR32_TYPE__: 'unsigned int',
  __SIG_ATOMIC_TYPE__: 'int',
  __INT8_TYPE__: 'signed char',
  __INT16_TYPE__: 'short int',
  __INT32_TYPE__: 'int',
  __INT64_TYPE__: 'long int',
  __UINT8_TYPE__: 'unsigned char',
  __UINT16_TYPE__: 'short unsigned int',
  __UINT32_TYPE__: 'unsigned int',
  __UINT64_TYPE__: 'long unsigned int',
  __INT_LEAST8_TYPE__: 'signed char',
  __INT_LEAST16_TYPE__: 'short int',
  __INT_LEAST32_TYPE__: 'int',
  __INT_LEAST64_TYPE__: 'long int',
  __UINT_LEAST8_TYPE__: 'unsigned char',
  __UINT_LEAST16_TYPE__: 'short unsigned int',
  __UINT_LEAST32_TYPE__: 'unsigned int',
  __UINT_LEAST64_TYPE__: 'long unsigned int',
  __INT_FAST8_TYPE__: 'signed char',
  __INT_FAST16_TYPE__: 'long int',
  __INT_FAST32_TYPE__: 'long int',
  __INT_FAST64_TYPE__: 'long int',
  __UINT_FAST8_TYPE__: 'unsigned char',
  __UINT_FAST16_TYPE__: 'long unsigned int',
  __UINT_FAST32_TYPE__: 'long unsigned int',
  __UINT_FAST64_TYPE__: 'long unsigned int',
  __INTPTR_TYPE__: 'long int',
  __UINTPTR_TYPE__: 'long unsigned int',
  __ORDER_LITTLE_ENDIAN__: '1234',
  __ORDER_BIG_ENDIAN__: '4321',
  __BYTE_ORDER__: '1234',
};

/** What gcc's own limits.h defines for x86-64 (`gcc -dM -E` of `#include <limits.h>`). */
const GCC_LIMITS: Record<string, string> = {
  CHAR_BIT: '8',
  MB_LEN_MAX: '16', // glibc's, which gcc's gives way to
  SCHAR_MIN: '(-127 - 1)',
  SCHAR_MAX: '127',
  UCHAR_MAX: '255',
  CHAR_MIN: '(-127 - 1)',
  CHAR_MAX: '127',
  SHRT_MIN: '(-32767 - 1)',
  SHRT_MAX: '32767',
  USHRT_MAX: '65535',
  INT_MIN: '(-2147483647 - 1)',
  INT_MAX: '2147483647',
  UINT_MAX: '4294967295U',
  LONG_MIN: '(-9223372036854775807L - 1L)',
  LONG_MAX: '9223372036854775807L',
  ULONG_MAX: '18446744073709551615UL',
  LLONG_MIN: '(-9223372036854775807LL - 1LL)',
  LLONG_MAX: '9223372036854775807LL',
  ULLONG_MAX: '18446744073709551615ULL',
};

/** gcc's built-in macros whose value depends on where they are read (`defined` says they are). */
const DYNAMIC_MACROS = ['__COUNTER__', '__LINE__', '__FILE__'];

/** How deep `#include`s and `#if`s may nest, and how far one line's macros may expand. */
const MAX_INCLUDE_DEPTH = 200;
const MAX_CONDITIONAL_DEPTH = 5_000;
const MAX_EXPANDED_TOKENS = 1_000_000;
const MAX_EXPANSION_DEPTH = 256;

const PUNCTUATORS = [
  '...',
  '<<=',
  '>>=',
  '##',
  '->',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
];
/** The punctuators of more than one character by their first, longest first (one look-up a token). */
const PUNCTUATORS_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATORS) PUNCTUATORS_BY_FIRST.set(p[0]!, [...(PUNCTUATORS_BY_FIRST.get(p[0]!) ?? []), p]);

export function preprocess(text: string, file: string, options: PreprocessOptions = {}): Preprocessed {
  const macros = new Map<string, Macro>();
  const problems: CProblem[] = [];
  const out: string[] = [];
  const once = new Set<string>();
  const fallbackUses: FallbackUse[] = [];
  /** The last `#include` not read so far (skipped or not found), and where it stands. */
  let lastUnread: { include: string; at: string } | null = null;
  /** The line whose text is being expanded (null while a directive's expression is). */
  let expandingAt: { line: number; file?: string } | null = null;
  for (const [name, value] of Object.entries(PREDEFINED)) macros.set(name, { params: null, variadic: false, body: lex(value) });
  for (const d of options.defines ?? []) macros.set(d.name, { params: null, variadic: false, body: lex(d.value) });

  /**
   * What stands before a directive's name on its line as written (comments before it count, as
   * for gcc): where gcc places a message about the directive.
   */
  const DIRECTIVE_NAME_AT = /^(?:\s|\/\*.*?\*\/)*#(?:\s|\/\*.*?\*\/)*(?=[A-Za-z_])/;
  const runFile = (source: string, name: string, depth: number) => {
    let lines: string[];
    // A lone CR ends a line, as it does for gcc (whose messages then count it).
    const physical = source.replace(/^\uFEFF/, '').replace(/\r(?!\n)/g, '\n');
    /** The file's lines as written (an #error's column counts what is before it there), split once. */
    let physicalLines: string[] | undefined;
    try {
      lines = logicalLines(physical);
    } catch (error) {
      if (!(error instanceof UnclosedComment)) throw error;
      problems.push({ line: error.line, message: error.message, ...(depth > 0 ? { file: name } : {}) });
      throw new PreprocessorStop();
    }
    const stack: {
      active: boolean;
      /** Whether the levels around this one are active (its #else and #elif may be taken). */
      parentActive: boolean;
      taken: boolean;
      sawElse: boolean;
      line: number;
      /** Set on `#ifndef M` taken after an unread include: a `#define M` right inside is a fallback. */
      fallbackFor?: { macro: string; definedAt: string; unread: string; unreadAt: string };
    }[] = [];
    // A level is active only when the levels around it are (each is pushed inactive in an inactive
    // one), so the innermost says for all: asking every level at each line cost 5,000 a line.
    const active = () => stack.length === 0 || stack[stack.length - 1]!.active;
    out.push(`# 1 "${name}"`);
    for (let index = 0; index < lines.length; index++) {
      const lineNumber = index + 1;
      const line = lines[index]!;
      reading = { line: lineNumber, file: name };
      const problem = (message: string) => problems.push({ line: lineNumber, message, ...(depth > 0 ? { file: name } : {}) });
      /**
       * A problem with the directive itself, at its name's column as gcc places it (`#else after
       * #else`); `stops` for an #error, where a compiler stops.
       */
      const directiveProblem = (message: string, stops = false, at: 'name' | 'operand' = 'name') => {
        const written = (physicalLines ??= physical.split('\n'))[lineNumber - 1] ?? '';
        const before = DIRECTIVE_NAME_AT.exec(written);
        // `#define 3x`: gcc points at what follows the name.
        const operand =
          before !== null && at === 'operand' ? /^\w+(?:\s|\/\*.*?\*\/)*/.exec(written.slice(before[0].length)) : null;
        const offset = before === null ? null : before[0].length + (operand?.[0].length ?? 0);
        problems.push({
          line: lineNumber,
          ...(offset !== null ? { column: gccColumn(written, offset) } : {}),
          message,
          ...(stops ? { stops } : {}),
          ...(depth > 0 ? { file: name } : {}),
        });
      };
      const info = (message: string) =>
        problems.push({ line: lineNumber, message, ...(depth > 0 ? { file: name } : {}), info: true });
      const directive = /^\s*#\s*([A-Za-z_]\w*)?(.*)$/.exec(line);
      if (directive === null) {
        if (active()) {
          // A macro's arguments may go on over the next lines (the kernel's struct_group(name,
          // members…) does), as gcc reads them: up to the `)` that closes them, or a directive.
          // The expansion stands on the first line, the lines it took are left empty, as gcc -E does.
          // The line is lexed once (a line of millions of tokens was lexed twice).
          const tokens = lex(line);
          let taken = 0;
          for (let open = openCallDepth(tokens); open > 0;) {
            const next = lines[index + taken + 1];
            if (next === undefined || /^\s*#/.test(next)) break;
            taken++;
            const nextTokens = lex(next);
            appendAll(tokens, nextTokens);
            for (const t of nextTokens) open += t.text === '(' ? 1 : t.text === ')' ? -1 : 0;
          }
          expandingAt = { line: lineNumber, ...(depth > 0 ? { file: name } : {}) };
          out.push(withPragmaOperators(expandLine(tokens, problem), lineNumber, name));
          expandingAt = null;
          for (let k = 0; k < taken; k++) out.push('');
          index += taken;
        } else out.push('');
        continue;
      }
      out.push('');
      const word = directive[1] ?? '';
      const rest = directive[2]!.trim();
      if (word === 'if' || word === 'ifdef' || word === 'ifndef') {
        if (stack.length >= MAX_CONDITIONAL_DEPTH) {
          directiveProblem(`#${word}: conditionals nest deeper than ${MAX_CONDITIONAL_DEPTH} levels`);
          throw new PreprocessorStop();
        }
        const parentActive = active();
        const value = parentActive ? condition(word, rest, problem) : false;
        const tested =
          word === 'ifndef'
            ? /^([A-Za-z_]\w*)/.exec(rest)
            : word === 'if'
              ? /^!\s*defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?\s*$/.exec(rest)
              : null;
        stack.push({
          active: value,
          parentActive,
          taken: value,
          sawElse: false,
          line: lineNumber,
          ...(value && tested !== null && lastUnread !== null
            ? {
                fallbackFor: {
                  macro: tested[1]!,
                  definedAt: `${name}:${lineNumber}`,
                  unread: lastUnread.include,
                  unreadAt: lastUnread.at,
                },
              }
            : {}),
        });
        continue;
      }
      if (word === 'elif' || word === 'else' || word === 'endif') {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          directiveProblem(`#${word} without #if`);
          continue;
        }
        if (word === 'endif') {
          stack.pop();
          continue;
        }
        if (top.sawElse) directiveProblem(`#${word} after #else (the #if is at line ${top.line})`);
        const parentActive = top.parentActive;
        if (word === 'else') {
          top.sawElse = true;
          top.active = parentActive && !top.taken;
        } else {
          top.active = parentActive && !top.taken && condition('if', rest, problem);
        }
        top.taken ||= top.active;
        continue;
      }
      if (!active()) continue;
      switch (word) {
        case 'define': {
          const macro = define(rest, (message) => directiveProblem(message, false, 'operand'));
          const fallback = stack[stack.length - 1]?.fallbackFor;
          if (macro !== undefined && fallback?.macro === macro.name) {
            const { definedAt, unread, unreadAt } = fallback;
            macro.macro.fallback = { definedAt, unread, unreadAt };
          }
          break;
        }
        case 'undef':
          macros.delete(rest.split(/\s+/)[0] ?? '');
          break;
        case 'include':
        case 'include_next':
        case 'import': {
          const target = /^["<]/.test(rest) ? rest : (computedInclude(rest, problem) ?? rest);
          const quoted = /^"([^"]+)"/.exec(target);
          const angled = quoted === null ? /^<([^>]+)>/.exec(target) : null;
          // `#include_next <x>` means the next x after this file's directory: left to the compiler.
          const inIncludeDirs =
            angled === null || word === 'include_next' ? null : (options.resolveInclude?.(angled[1]!, name, true) ?? null);
          if (quoted === null && inIncludeDirs === null) {
            const system = angled;
            if (system !== null && system[1] === 'limits.h') {
              // gcc's own limits.h (the one glibc's reaches with #include_next): its values are
              // fixed for x86-64, and headers test them (png.h: `#if CHAR_BIT != 8` → #error).
              for (const [macro, value] of Object.entries(GCC_LIMITS))
                if (!macros.has(macro)) macros.set(macro, { params: null, variadic: false, body: lex(value) });
              info(
                `#include <limits.h> not read: the built-in preprocessor defines gcc's limits.h values (CHAR_BIT 8, INT_MAX, …) instead`,
              );
            } else if (system !== null) {
              lastUnread = { include: `<${system[1]}>`, at: `${name}:${lineNumber}` };
              info(
                `#include <${system[1]}> skipped: not in an -I directory, and the built-in preprocessor reads no system headers (types from them that a struct uses are reported as unknown; with a C compiler on PATH, its preprocessor reads them)`,
              );
            } else problem(`#include ${rest}: expected "file" or <file>`);
            break;
          }
          const found = inIncludeDirs ?? options.resolveInclude?.(quoted![1]!, name) ?? null;
          const spelled = quoted !== null ? `"${quoted[1]}"` : `<${angled![1]}>`;
          if (found === null || found.refused !== undefined) {
            lastUnread = { include: spelled, at: `${name}:${lineNumber}` };
            problem(
              found === null
                ? `#include ${spelled}: not found next to ${name} nor in an -I directory`
                : `#include ${spelled}: ${found.name} is ${found.refused}, not read`,
            );
            break;
          }
          if (once.has(found.name)) break;
          if (depth + 1 > MAX_INCLUDE_DEPTH) {
            // gcc stops there ("#include nested depth 200 exceeds maximum"): a header that includes
            // itself was read 200 times, each struct 'defined twice', and exit 1.
            problems.push({
              line: lineNumber,
              message: `#include ${spelled}: includes nest deeper than ${MAX_INCLUDE_DEPTH} levels`,
              stops: true,
              ...(depth > 0 ? { file: name } : {}),
            });
            throw new PreprocessorStop();
          }
          runFile(found.text, found.name, depth + 1);
          out.push(`# ${lineNumber + 1} "${name}"`);
          break;
        }
        case 'pragma':
          if (/^once\b/.test(rest)) once.add(name);
          else {
            out.pop();
            out.push(`#pragma ${rest}`);
          }
          break;
        case 'error': {
          // Where gcc puts it: the column of `error` on the line as written (comments before it
          // count), and the text with its spaces run together as gcc prints it.
          directiveProblem(`#error ${spacedAsGcc(rest)}`, true);
          break;
        }
        case '':
        case 'line':
        case 'warning':
        case 'ident':
        case 'sccs':
          break;
        default:
          directiveProblem(`#${word}: unknown preprocessor directive, ignored`);
      }
    }
    for (const open of stack)
      problems.push({ line: open.line, message: '#if without #endif', ...(depth > 0 ? { file: name } : {}) });
  };

  const define = (rest: string, problem: (message: string) => void): { name: string; macro: Macro } | undefined => {
    const head = /^([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$/.exec(rest);
    if (head === null) {
      problem(`#define ${rest}: expected a macro name`);
      return undefined;
    }
    let params: string[] | null = null;
    let variadic = false;
    if (head[2] !== undefined) {
      params = head[3]!
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      if (params[params.length - 1] === '...') {
        variadic = true;
        params[params.length - 1] = '__VA_ARGS__';
      } else if (params.length > 0 && params[params.length - 1]!.endsWith('...')) {
        variadic = true;
        params[params.length - 1] = params[params.length - 1]!.slice(0, -3).trim();
      }
    }
    const macro: Macro = { params, variadic, body: lex(head[4]!) };
    macros.set(head[1]!, macro);
    return { name: head[1]!, macro };
  };

  const condition = (word: string, rest: string, problem: (message: string) => void): boolean => {
    if (word === 'ifdef' || word === 'ifndef') {
      const name = rest.split(/\s+/)[0] ?? '';
      return macros.has(name) === (word === 'ifdef');
    }
    // `defined X` and `defined(X)` are read before macros expand; what is left unknown is 0.
    const tokens = lex(rest);
    const resolved: PpToken[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.text === 'defined' || t.text === '__has_include' || t.text === '__has_attribute' || t.text === '__has_builtin') {
        let name: string | undefined;
        if (tokens[i + 1]?.text === '(') {
          let close = i + 2;
          while (close < tokens.length && tokens[close]!.text !== ')') close++;
          name = tokens
            .slice(i + 2, close)
            .map((x) => x.text)
            .join('');
          i = close;
        } else name = tokens[++i]?.text;
        const known = t.text === 'defined' ? name !== undefined && (macros.has(name) || DYNAMIC_MACROS.includes(name)) : false;
        resolved.push({ text: known ? '1' : '0', kind: 'num' });
      } else resolved.push(t);
    }
    const expanded = expand(resolved, new Set(), problem).map((t) => (t.kind === 'id' ? { text: '0', kind: 'num' as const } : t));
    try {
      return evaluateExpression(expanded.map((t) => t.text)).value !== 0n;
    } catch (error) {
      problem(`#${word} ${rest}: ${(error as Error).message}`);
      return false;
    }
  };

  /**
   * How many parentheses are left open after the first call of a function-like macro on the line
   * whose arguments do not close on it (`struct_group(hdr,` leaves 1), or 0.
   */
  const openCallDepth = (tokens: readonly PpToken[]): number => {
    // One pass that pairs the parentheses, then one that counts those left open from each place:
    // asking each call for its own closing parenthesis took a line of 100,000 `F(` minutes.
    const closes = new Int32Array(tokens.length).fill(-1);
    const opened: number[] = [];
    tokens.forEach((t, j) => {
      if (t.text === '(') opened.push(j);
      else if (t.text === ')' && opened.length > 0) closes[opened.pop()!] = j;
    });
    const openFrom = new Int32Array(tokens.length + 1);
    for (let j = tokens.length - 1; j >= 0; j--)
      openFrom[j] = openFrom[j + 1]! + (tokens[j]!.text === '(' && closes[j] === -1 ? 1 : 0);
    for (let i = 0; i + 1 < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.kind !== 'id' || tokens[i + 1]!.text !== '(' || !(macros.get(t.text)?.params ?? null)) continue;
      if (closes[i + 1] === -1) return openFrom[i + 1]!;
    }
    return 0;
  };

  /** Where the line being read is: what `__LINE__` and `__FILE__` say. */
  let reading = { line: 0, file };
  /** What `__COUNTER__` says next: 0, 1, 2, … in the order the header uses it, as gcc counts. */
  let counter = 0;
  /** gcc's macros whose value depends on where they are read (unless the header defines them). */
  const dynamicMacro = (name: string): PpToken | undefined => {
    if (name === '__COUNTER__') return { text: String(counter++), kind: 'num' };
    if (name === '__LINE__') return { text: String(reading.line), kind: 'num' };
    if (name === '__FILE__') return { text: JSON.stringify(reading.file), kind: 'str' };
    return undefined;
  };

  /**
   * `#include MACRO` (C11 6.10.2p4; FreeType's `#include FT_FREETYPE_H`): the line's macros
   * expanded, to a "file" or to the tokens from `<` to the first `>` put together, as gcc's
   * glue_header_name puts them: a space before a token that had white space before it
   * (`#define H < a.h>` names " a.h"). null when the expansion is neither.
   */
  const computedInclude = (rest: string, problem: (message: string) => void): string | null => {
    budget = MAX_EXPANDED_TOKENS;
    const expanded = expand(lex(rest), new Set(), problem);
    const first = expanded[0];
    if (first?.kind === 'str' && first.text.startsWith('"')) return first.text;
    const close = expanded.findIndex((t) => t.text === '>');
    if (first?.text !== '<' || close < 0) return null;
    const name = expanded
      .slice(1, close)
      .map((t) => (t.spaceBefore ? ` ${t.text}` : t.text))
      .join('');
    return `<${name}>`;
  };

  let budget = MAX_EXPANDED_TOKENS;
  let expansionDepth = 0;
  const expandLine = (tokens: PpToken[], problem: (message: string) => void): PpToken[] => {
    budget = MAX_EXPANDED_TOKENS;
    return expand(tokens, new Set(), problem);
  };

  /**
   * An expanded line's text, each `_Pragma("…")` made the `#pragma …` line it stands for (C11
   * 6.10.9), as gcc -E writes it: its own line, then a line marker that puts the rest back on
   * this line's number. A header that packs its structs through a macro (`_Pragma("pack(1)")`)
   * was read as a declaration named _Pragma, and the struct after it dropped without a word.
   */
  const withPragmaOperators = (tokens: PpToken[], lineNumber: number, name: string): string => {
    const texts: string[] = [];
    let from = 0;
    for (let i = 0; i + 3 < tokens.length; i++) {
      const string = tokens[i + 2]!;
      if (tokens[i]!.text !== '_Pragma' || tokens[i + 1]!.text !== '(' || string.kind !== 'str' || tokens[i + 3]!.text !== ')')
        continue;
      const quoted = /^(?:L|u8|u|U)?"((?:[^"\\]|\\.)*)"$/.exec(string.text);
      if (quoted === null) continue;
      const pragma = quoted[1]!.replace(/\\(["\\])/g, '$1');
      texts.push(`${joinTokens(tokens.slice(from, i))}\n#pragma ${pragma}\n# ${lineNumber} "${name}"\n`);
      from = i + 4;
      i += 3;
    }
    if (from === 0) return joinTokens(tokens);
    return texts.join('') + joinTokens(tokens.slice(from));
  };

  /** Expands macros in `tokens` (the C standard's rescanning, with a set of macros not to expand again). */
  function expand(tokens: PpToken[], hidden: ReadonlySet<string>, problem: (message: string) => void): PpToken[] {
    if (++expansionDepth > MAX_EXPANSION_DEPTH) {
      problem(`macros expand within each other deeper than ${MAX_EXPANSION_DEPTH} levels`);
      throw new PreprocessorStop();
    }
    try {
      return expandTokens(tokens, hidden, problem);
    } finally {
      expansionDepth--;
    }
  }

  function expandTokens(tokens: PpToken[], hidden: ReadonlySet<string>, problem: (message: string) => void): PpToken[] {
    const result: PpToken[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const macro = t.kind === 'id' && !hidden.has(t.text) ? macros.get(t.text) : undefined;
      if (macro === undefined) {
        result.push(t.kind === 'id' ? (dynamicMacro(t.text) ?? t) : t);
        continue;
      }
      if (macro.fallback !== undefined && expandingAt !== null)
        fallbackUses.push({ ...expandingAt, macro: t.text, ...macro.fallback });
      if ((budget -= macro.body.length + 1) < 0) {
        problem(`macro ${t.text}: expands to more than ${MAX_EXPANDED_TOKENS} tokens`);
        throw new PreprocessorStop();
      }
      const inner = new Set(hidden).add(t.text);
      if (macro.params === null) {
        appendAll(result, expand(macro.body, inner, problem));
        continue;
      }
      if (tokens[i + 1]?.text !== '(') {
        result.push(t);
        continue;
      }
      const args: PpToken[][] = [[]];
      let depth = 0;
      let j = i + 2;
      for (; j < tokens.length; j++) {
        const a = tokens[j]!;
        if (a.text === '(') depth++;
        else if (a.text === ')') {
          if (depth === 0) break;
          depth--;
        } else if (a.text === ',' && depth === 0 && !(macro.variadic && args.length >= macro.params.length)) {
          args.push([]);
          continue;
        }
        args[args.length - 1]!.push(a);
      }
      if (j >= tokens.length) {
        problem(
          `unterminated argument list invoking macro "${t.text}" (the arguments end at a directive or the end of the file)`,
        );
        // The rest is left as it stands, as gcc takes it all for the arguments: looking for each
        // call's end again in it made a line of 100,000 `F(` 100,000 messages, in minutes.
        for (let k = i; k < tokens.length; k++) result.push(tokens[k]!);
        break;
      }
      if (macro.params.length === 0 && args.length === 1 && args[0]!.length === 0) args.length = 0;
      if (args.length !== macro.params.length && !(macro.variadic && args.length === macro.params.length - 1)) {
        problem(`macro ${t.text} takes ${macro.params.length} argument(s), given ${args.length}`);
      }
      // Arguments expand as they stand (the macro itself may appear in them); the result is rescanned with it hidden.
      appendAll(result, expand(substitute(macro, args, hidden, problem), inner, problem));
      i = j;
    }
    return result;
  }

  function substitute(
    macro: Macro,
    args: PpToken[][],
    hidden: ReadonlySet<string>,
    problem: (message: string) => void,
  ): PpToken[] {
    const params = macro.params!;
    const argOf = (name: string) => {
      const k = params.indexOf(name);
      return k < 0 ? undefined : (args[k] ?? []);
    };
    const body = macro.body;
    const out: PpToken[] = [];
    for (let k = 0; k < body.length; k++) {
      const t = body[k]!;
      if (t.text === '#' && body[k + 1] !== undefined && argOf(body[k + 1]!.text) !== undefined) {
        // gcc's spelling: one space where the argument had white space between tokens, none elsewhere.
        const raw = argOf(body[k + 1]!.text)!
          .map((a, index) => (index > 0 && a.spaceBefore ? ` ${a.text}` : a.text))
          .join('');
        out.push({ text: JSON.stringify(raw), kind: 'str' });
        k++;
        continue;
      }
      if (t.text === '##') continue;
      if (body[k + 1]?.text === '##' || body[k - 1]?.text === '##') {
        const raw = argOf(t.text) ?? [t];
        if (body[k - 1]?.text === '##' && out.length > 0 && raw.length > 0) {
          const left = out.pop()!;
          // Appended, not spread: an argument of 100,000 tokens overflowed the call stack.
          appendAll(out, lex(left.text + raw[0]!.text));
          for (let r = 1; r < raw.length; r++) out.push(raw[r]!);
        } else appendAll(out, raw);
        continue;
      }
      const arg = argOf(t.text);
      if (arg !== undefined) appendAll(out, expand(arg, hidden, problem));
      else out.push(t);
    }
    return out;
  }

  try {
    runFile(text, file, 0);
  } catch (error) {
    if (!(error instanceof PreprocessorStop)) throw error;
  }
  return { text: out.join('\n') + '\n', problems, fallbackUses };
}

/**
 * A directive's text with each run of spaces outside string and character literals made one
 * space, as gcc prints an `#error`'s (comments were already spaces).
 */
function spacedAsGcc(text: string): string {
  return text.replace(/("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|\s+/g, (_match, literal: string | undefined) => literal ?? ' ');
}

/** Stops preprocessing at a limit (the problem saying which is already recorded). */
class PreprocessorStop extends Error {}

class UnclosedComment extends Error {
  constructor(readonly line: number) {
    super('comment is not closed with */');
  }
}

/**
 * The source's lines with continuations joined and comments replaced by a space; a joined or
 * commented-out line break moves to the end of the logical line, so line k is still line k.
 */
function logicalLines(text: string): string[] {
  // Runs of ordinary characters are copied as slices, not a character at a time: a string built
  // from 64 million one-character pieces took most of a minute, mostly collecting garbage.
  const parts: string[] = [];
  let from = 0;
  /** Lines of `parts` so far (an unclosed comment names the line it opens on). */
  let outLines = 1;
  let pending = 0;
  const n = text.length;
  const flush = (to: number) => {
    if (to > from) parts.push(text.slice(from, to));
  };
  for (let i = 0; i < n; i++) {
    const ch = text[i]!;
    if (ch !== '\\' && ch !== '\r' && ch !== '\n' && ch !== '/' && ch !== '"' && ch !== "'") continue;
    if (ch === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      flush(i);
      i += text[i + 1] === '\r' ? 2 : 1;
      from = i + 1;
      pending++;
      continue;
    }
    if (ch === '\r' && text[i + 1] === '\n') {
      flush(i);
      from = i + 1;
      continue;
    }
    if (ch === '\n') {
      flush(i);
      parts.push('\n'.repeat(1 + pending));
      outLines += 1 + pending;
      pending = 0;
      from = i + 1;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      flush(i);
      while (i + 1 < n && text[i + 1] !== '\n') i++;
      from = i + 1;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      flush(i);
      const startLine = outLines + pending;
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') pending++;
        i++;
      }
      if (i >= n) throw new UnclosedComment(startLine);
      i++;
      parts.push(' ');
      from = i + 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      // Lines are joined before literals are read (C's translation phases), so a backslash-newline
      // inside a literal continues it on the next line.
      flush(i);
      let j = i + 1;
      let run = i;
      while (j < n && text[j] !== ch && text[j] !== '\n') {
        const joined = text[j] === '\\' ? continuationLength(text, j) : 0;
        if (joined > 0) {
          if (j > run) parts.push(text.slice(run, j));
          pending++;
          j += joined;
          run = j;
        } else j += text[j] === '\\' && j + 1 < n ? 2 : 1;
      }
      if (text[j] === ch) j++;
      if (j > run) parts.push(text.slice(run, j));
      i = j - 1;
      from = j;
      continue;
    }
  }
  flush(n);
  return parts.join('').split('\n');
}

/** The length of a backslash-newline at `i` (2, or 3 with a CR), or 0 when there is none. */
function continuationLength(text: string, i: number): number {
  if (text[i] !== '\\') return 0;
  if (text[i + 1] === '\n') return 2;
  return text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 0;
}

/**
 * One shared token for each punctuator of one character: a header of millions of `;` makes no
 * object for each (tokens are never changed once made, so sharing them is safe).
 */
const SINGLE_PUNCTUATORS = new Map<number, PpToken>();

function singlePunctuator(code: number): PpToken {
  let token = SINGLE_PUNCTUATORS.get(code);
  if (token === undefined) {
    token = Object.freeze<PpToken>({ text: String.fromCharCode(code), kind: 'punct' });
    SINGLE_PUNCTUATORS.set(code, token);
  }
  return token;
}

/** ASCII classes by character code, without a regular expression for each character. */
function isAsciiSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0;
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** An ASCII character that starts no identifier, number, literal or universal character name. */
function startsAsciiPunctuator(code: number): boolean {
  if (code >= 128 || isAsciiDigit(code)) return false;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return false;
  // _ $ \ " ' .
  return code !== 0x5f && code !== 0x24 && code !== 0x5c && code !== 0x22 && code !== 0x27 && code !== 0x2e;
}

function lex(text: string): PpToken[] {
  const tokens: PpToken[] = [];
  const n = text.length;
  let i = 0;
  /** The index of the token after white space, once it is pushed (-1: none waits). */
  let spacedToken = -1;
  while (i < n) {
    // A copy, not the token: a lone punctuator's token is shared (singlePunctuator).
    if (spacedToken >= 0 && spacedToken < tokens.length) {
      tokens[spacedToken] = afterSpace(tokens[spacedToken]!);
      spacedToken = -1;
    }
    const code = text.charCodeAt(i);
    // A NUL is ignored, as gcc ignores it (and as the tokenizer does): no token each, which made a
    // header of 64 MiB of NULs 64 million tokens to expand and print.
    if (isAsciiSpace(code) || (code > 127 && /\s/.test(text[i]!))) {
      if (tokens.length > 0) spacedToken = tokens.length;
      i++;
      continue;
    }
    const ch = text[i]!;
    // Punctuators first, by their character code: the common token of a flood (`;`, `,`).
    if (startsAsciiPunctuator(code)) {
      const longer = PUNCTUATORS_BY_FIRST.get(ch)?.find((p) => text.startsWith(p, i));
      tokens.push(longer === undefined ? singlePunctuator(code) : { text: longer, kind: 'punct' });
      i += longer?.length ?? 1;
      continue;
    }
    if (IDENTIFIER_START.test(ch) || universalCharacterAt(text, i) !== null) {
      // Spelled as written (`\u00e9` included): the tokenizer reads the name the same way.
      let j = i;
      for (;;) {
        const universal = universalCharacterAt(text, j);
        if (universal !== null) j += universal.length;
        else if (j < n && IDENTIFIER_PART.test(text[j]!)) j++;
        else break;
      }
      // `L'\0'`, `u8"…"`: a prefixed literal is one token (glibc's bits/wchar.h asks `#if L'\0' - 1 > 0`).
      const name = text.slice(i, j);
      if (
        ((name === 'L' || name === 'u' || name === 'U') && text[j] === "'") ||
        (LITERAL_PREFIXES.has(name) && text[j] === '"')
      ) {
        let k = j + 1;
        while (k < n && text[k] !== text[j]) k += text[k] === '\\' ? 2 : 1;
        tokens.push({ text: text.slice(i, k + 1), kind: 'str' });
        i = k + 1;
        continue;
      }
      tokens.push({ text: name, kind: 'id' });
      i = j;
      continue;
    }
    if (isAsciiDigit(code) || (ch === '.' && isAsciiDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (/[\w.]/.test(text[j]!) || (/[+-]/.test(text[j]!) && /[eEpP]/.test(text[j - 1]!)))) j++;
      tokens.push({ text: text.slice(i, j), kind: 'num' });
      i = j;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < n && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      tokens.push({ text: text.slice(i, j + 1), kind: 'str' });
      i = j + 1;
      continue;
    }
    const punct = PUNCTUATORS_BY_FIRST.get(ch)?.find((p) => text.startsWith(p, i)) ?? ch;
    tokens.push({ text: punct, kind: 'punct' });
    i += punct.length;
  }
  if (spacedToken >= 0 && spacedToken < tokens.length) tokens[spacedToken] = afterSpace(tokens[spacedToken]!);
  return tokens;
}

function afterSpace(token: PpToken): PpToken {
  return { text: token.text, kind: token.kind, spaceBefore: true };
}

/**
 * `target.push(...items)` without the spread: an expansion may hold up to MAX_EXPANDED_TOKENS
 * tokens, and spreading more than about 100,000 arguments overflows the call stack.
 */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** Tokens as an expanded line's text: one space between each two. */
function joinTokens(tokens: readonly PpToken[]): string {
  return tokens.map((t) => t.text).join(' ');
}
