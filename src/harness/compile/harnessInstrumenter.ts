/**
 * Compile-time instrumentation of harness sources, so call stacks cost a few nanoseconds a call
 * instead of a V8 stack capture per allocation (see `runtime/callPaths.ts`):
 *
 * - every call `f(a, b)` of harness code becomes `P$l(f(a, P$e(SITE, b)))`: the frame is
 *   entered once the arguments are evaluated, and left when the call returns;
 * - every loop body starts with `P$t(SITE);` (streaming and the time limit, with the loop's
 *   position when a run is stopped);
 * - every `try` saves the stack and its `catch` / `finally` restore it (a call that threw never left);
 * - every function body starts with `P$f();` (a stop asked for, in a callback a built-in calls too).
 *
 * `P$` is the hook prefix of this compile: the hooks are free names here, bound by the function
 * compartmentScript.ts wraps the bundle in (never an import, never a property the harness can read).
 *
 * Only text is inserted, never moved or removed, so a position in the output maps back to the
 * source exactly (`toOriginal`). Sites are 1-based lines and columns of the original .ts file.
 */
import ts from 'typescript';
import type { Site } from '../../analysis/analysisInput';
import { hookIdentifier, type HookName } from './compartmentScript';
import { editorLineStarts, positionAt, type Insertion } from './harnessLocator';
import { parseWithinStack, TooDeepForTheStack } from './parseWithinStack';

export interface InstrumentedFile {
  code: string;
  /** Insertions in output order (by position). */
  insertions: Insertion[];
  /** Where each `@struct` class is declared, by class name. */
  structSites: Record<string, Site>;
  /** Element stores, as flat pairs of original offsets (see `LocatorFile.elementStores`). */
  elementStores: number[];
}

export interface InstrumentOptions {
  /** Insert call-stack hooks (false: only loop checks). */
  attribution: boolean;
  /** Appends a site and returns its id. */
  addSite(site: Site): number;
  /** The file name used in sites. */
  siteFile: string;
  /** What the hooks' names start with (see compartmentScript.ts). */
  hookPrefix: string;
}

/** Globals whose calls never reach harness code: not worth a frame. */
const PLAIN_GLOBAL_OBJECTS = new Set([
  'Math',
  'JSON',
  'Object',
  'Array',
  'Number',
  'String',
  'Reflect',
  'Symbol',
  'BigInt',
  'Date',
  'Promise',
  'Atomics',
  'Intl',
]);
const PLAIN_GLOBAL_FUNCTIONS = new Set([
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'String',
  'Number',
  'BigInt',
  'Boolean',
  'Symbol',
]);

interface Edit {
  pos: number;
  text: string;
  /** Closing edits go before opening ones at one position; inner closings first, outer openings first. */
  closing: boolean;
  depth: number;
  order: number;
}

/**
 * Returns null when the file does not parse (esbuild then reports the error at the right place).
 * Throws TooDeepForTheStack, with a position, when the file nests too deeply to parse or to walk.
 */
export function instrumentHarnessSource(fileName: string, text: string, options: InstrumentOptions): InstrumentedFile | null {
  const source = parseWithinStack(fileName, text);
  const parseErrors = (source as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics;
  if (parseErrors && parseErrors.length > 0) return null;

  const hook = (name: HookName) => hookIdentifier(options.hookPrefix, name);
  const enter = hook('enter');
  const enter0 = hook('enter0');
  const leave = hook('leave');
  const save = hook('save');
  const restore = hook('restore');
  const loop = hook('loop');
  const thrown = hook('thrown');
  const called = hook('called');
  const edits: Edit[] = [];
  let order = 0;
  let tryCount = 0;
  const structSites: Record<string, Site> = {};
  const elementStores: number[] = [];
  const add = (pos: number, text: string, closing: boolean, depth: number) =>
    edits.push({ pos, text, closing, depth, order: order++ });
  // Sites are where an editor shows them: TypeScript's own line count also ends a line at U+2028
  // and U+2029, which an editor does not.
  const lines = editorLineStarts(text);
  const siteAt = (pos: number): number => options.addSite({ file: options.siteFile, ...positionAt(lines, pos) });

  let visiting: ts.Node = source;
  const visit = (node: ts.Node, depth: number): void => {
    visiting = node;
    if (ts.isDecorator(node)) return;
    if (ts.isClassDeclaration(node) && node.name && hasStructDecorator(node)) {
      structSites[node.name.text] = { file: options.siteFile, ...positionAt(lines, node.name.getStart(source)) };
    }
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
      const target = skipOuterExpressions(node.left);
      if (ts.isElementAccessExpression(target)) elementStores.push(target.end - 1, elementReadPosition(target, source));
    }
    if (options.attribution && (ts.isCallExpression(node) || ts.isNewExpression(node)) && shouldInstrument(node)) {
      const args = node.arguments!;
      const site = siteAt(callSitePosition(node, source));
      add(node.getStart(source), `${leave}(`, false, depth);
      if (args.length === 0) {
        add(node.end - 1, `...${enter0}(${site})`, false, depth);
      } else {
        const last = args[args.length - 1]!;
        const target = ts.isSpreadElement(last) ? last.expression : last;
        add(target.getStart(source), `${enter}(${site}, `, false, depth);
        add(target.end, ')', true, depth);
      }
      add(node.end, ')', true, depth);
    }
    if (isLoop(node)) {
      const site = siteAt(node.getStart(source));
      const body = node.statement;
      if (ts.isBlock(body)) add(body.getStart(source) + 1, `${loop}(${site});`, false, depth);
      else {
        add(body.getStart(source), `{${loop}(${site});`, false, depth);
        add(body.end, '}', true, depth);
      }
    }
    // Every function body starts with `P$f();` (an arrow's expression `(P$f(), expr)`): a stop is
    // seen in a callback a built-in calls a million times, and with no call hooks at all.
    const body = functionBody(node);
    if (body !== undefined) {
      if (ts.isBlock(body)) add(afterDirectives(body, source), `${called}();`, false, depth);
      else {
        add(body.getStart(source), `(${called}(), `, false, depth);
        add(body.end, ')', true, depth);
      }
    }
    // `throw v` becomes `throw P$w(site, v)`: a thrown value with no stack (a string, null, a
    // plain object) still ends the run with the line that threw it.
    if (ts.isThrowStatement(node)) {
      const site = siteAt(node.getStart(source));
      add(node.expression.getStart(source), `${thrown}(${site}, `, false, depth);
      add(node.expression.end, ')', true, depth);
    }
    if (options.attribution && ts.isTryStatement(node)) {
      const saved = `${options.hookPrefix}k${tryCount++}`;
      add(node.getStart(source), `{const ${saved} = ${save}();`, false, depth);
      if (node.catchClause) add(node.catchClause.block.getStart(source) + 1, `${restore}(${saved});`, false, depth);
      if (node.finallyBlock) add(node.finallyBlock.getStart(source) + 1, `${restore}(${saved});`, false, depth);
      add(node.end, '}', true, depth);
    }
    ts.forEachChild(node, (child) => visit(child, depth + 1));
  };
  try {
    visit(source, 0);
  } catch (error) {
    // Too deep for the stack (a chain of thousands of `+` without brackets): where the deepest
    // node visited starts is where the user can split the expression.
    if (!(error instanceof RangeError)) throw error;
    const { line, character } = source.getLineAndCharacterOfPosition(visiting.getStart(source));
    throw new TooDeepForTheStack(error.message, line + 1, character + 1);
  }

  edits.sort((x, y) => {
    if (x.pos !== y.pos) return x.pos - y.pos;
    if (x.closing !== y.closing) return x.closing ? -1 : 1;
    if (x.closing) return y.depth - x.depth || y.order - x.order;
    return x.depth - y.depth || x.order - y.order;
  });
  let code = '';
  let at = 0;
  const insertions: Insertion[] = [];
  for (const edit of edits) {
    code += text.slice(at, edit.pos) + edit.text;
    at = edit.pos;
    insertions.push({ pos: edit.pos, text: edit.text });
  }
  code += text.slice(at);
  return { code, insertions, structSites, elementStores };
}

/** The body of a function, method, accessor, constructor or arrow, if it has one (not an overload). */
function functionBody(node: ts.Node): ts.ConciseBody | undefined {
  if (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  )
    return node.body;
  return undefined;
}

/** Past a block's directive prologue (`'use strict';`): a statement before a directive would make it plain text. */
function afterDirectives(block: ts.Block, source: ts.SourceFile): number {
  let pos = block.getStart(source) + 1;
  for (const statement of block.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) break;
    pos = statement.end;
  }
  return pos;
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function skipOuterExpressions(node: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) node = node.expression;
  return node;
}

/**
 * Where V8 places a read of `a.b[i]` once mapped back (the `b`, or `a` for `a[i]`): a store to
 * the same element is placed at its `]`, and its error is shown there instead, as a read's is.
 */
function elementReadPosition(access: ts.ElementAccessExpression, source: ts.SourceFile): number {
  const object = skipOuterExpressions(access.expression);
  if (ts.isPropertyAccessExpression(object)) return object.name.getStart(source);
  if (ts.isIdentifier(object)) return object.getStart(source);
  return access.getStart(source);
}

function shouldInstrument(node: ts.CallExpression | ts.NewExpression): boolean {
  if (node.arguments === undefined) return false;
  if (ts.isCallExpression(node)) {
    if (node.expression.kind === ts.SyntaxKind.SuperKeyword || node.expression.kind === ts.SyntaxKind.ImportKeyword) return false;
    if (node.questionDotToken || (node.flags & ts.NodeFlags.OptionalChain) !== 0) return false;
  }
  const callee = node.expression;
  if (ts.isIdentifier(callee) && PLAIN_GLOBAL_FUNCTIONS.has(callee.text)) return false;
  if (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    PLAIN_GLOBAL_OBJECTS.has(callee.expression.text)
  ) {
    return false;
  }
  return true;
}

/** Where a call "is": its name (`f` in `f(x)`, `m` in `o.m(x)`), like a debugger's stack frame. */
function callSitePosition(node: ts.CallExpression | ts.NewExpression, source: ts.SourceFile): number {
  const callee = node.expression;
  if (ts.isNewExpression(node)) return node.getStart(source);
  if (ts.isPropertyAccessExpression(callee)) return callee.name.getStart(source);
  return callee.getStart(source);
}

function isLoop(node: ts.Node): node is ts.IterationStatement {
  return (
    ts.isForStatement(node) ||
    ts.isForOfStatement(node) ||
    ts.isForInStatement(node) ||
    ts.isWhileStatement(node) ||
    ts.isDoStatement(node)
  );
}

function hasStructDecorator(node: ts.ClassDeclaration): boolean {
  const decorators = ts.canHaveDecorators(node) ? ts.getDecorators(node) : undefined;
  return (decorators ?? []).some((d) => ts.isIdentifier(d.expression) && d.expression.text === 'struct');
}
