/**
 * Reads a harness's source into what the language server needs: its structs (fields, C layout,
 * where each declaration sits), MM_REG_STRUCT / XCALLOC / XCALLOC_BUF / XFREE calls and `main`. Syntax only
 * (TypeScript's parser, no type checker): fast on every keystroke, and a half-typed file still
 * gives what can be read. Layouts use the analysis's x86-64 rules (`src/analysis/cLayout`).
 */
import ts from 'typescript';
import type { StructLayout } from '../analysis/analysisInput';
import { SCALAR_SIZES, arraySpec, layOutStruct, structSpec, type FieldSpec } from '../analysis/cLayout';
import { SCALARS } from '../analysis/cScalars';
import { findTooDeepNesting, tooDeepMessage } from '../harness/compile/nestingDepth';
import { parseWithinStack, TooDeepForTheStack } from '../harness/compile/parseWithinStack';

/** Offsets into the text (0-based, end exclusive). */
export interface Span {
  start: number;
  end: number;
}

/** How a field decorator describes its C type, before structs are resolved. */
export type FieldTypeSyntax =
  | { kind: 'scalar'; name: string }
  | { kind: 'char'; length: number }
  | { kind: 'ptr'; target: string }
  | { kind: 'struct'; target: string }
  | { kind: 'array'; element: FieldTypeSyntax; length: number }
  | { kind: 'unknown'; text: string };

export interface ScannedField {
  name: string;
  type: FieldTypeSyntax;
  /** The whole member, decorators included (for reordering). */
  span: Span;
}

export interface ScannedStruct {
  name: string;
  nameSpan: Span;
  classSpan: Span;
  fields: ScannedField[];
  /** The C layout, or undefined when a field's type could not be read (or embeds an unknown struct). */
  layout?: StructLayout;
  /** Why there is no layout. */
  layoutProblem?: string;
}

export interface ScannedCall {
  /** The struct name argument (an identifier), when there is one. */
  struct?: string;
  structSpan?: Span;
  /** The callee identifier, and its name when it is not the list's own call (XREALLOC among allocations). */
  calleeSpan: Span;
  callee?: string;
  callSpan: Span;
  /** XCALLOC's units when they are a numeric literal. */
  units?: number;
  unitsSpan?: Span;
}

export interface HarnessScan {
  structs: ScannedStruct[];
  registrations: ScannedCall[];
  allocations: ScannedCall[];
  frees: ScannedCall[];
  /** Where a statement can go at the top of main's body, and the body's indentation. */
  mainInsert?: { offset: number; indent: string };
  /** Offset after the last MM_REG_STRUCT statement in main (a new registration goes after it). */
  lastRegistrationEnd?: { offset: number; indent: string };
}

const SCALAR_NAMES = new Set(Object.keys(SCALARS));
/** Field decorators that change where a field goes: the scan does not follow them, so it shows no layout. */
const PLACEMENT_DECORATORS = new Set(['aligned', 'packed']);

export function scanHarness(text: string, fileName = 'harness.ts'): HarnessScan {
  const source = parseWithinStack(fileName, text);
  const scan: HarnessScan = { structs: [], registrations: [], allocations: [], frees: [] };
  const span = (node: ts.Node): Span => ({ start: node.getStart(source), end: node.getEnd() });
  let mainBody: ts.Block | undefined;

  let visiting: ts.Node = source;
  const visit = (node: ts.Node): void => {
    visiting = node;
    if (ts.isClassDeclaration(node) && node.name && hasStructDecorator(node)) {
      scan.structs.push(readStruct(node, source, span));
    } else if (
      ts.isFunctionDeclaration(node) &&
      node.body &&
      (node.name?.text === 'main' || (isDefaultExport(node) && !mainBody))
    ) {
      mainBody = node.body;
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const callee = node.expression.text;
      // XREALLOC(p, units, T) and XREALLOC_BUF allocate as they move a block: the same lenses and hovers.
      const reallocates = callee === 'XREALLOC' || callee === 'XREALLOC_BUF';
      if (callee === 'MM_REG_STRUCT' || callee === 'XCALLOC' || callee === 'XCALLOC_BUF' || callee === 'XFREE' || reallocates) {
        const call: ScannedCall = { calleeSpan: span(node.expression), callSpan: span(node) };
        if (reallocates) call.callee = callee;
        const structArg =
          callee === 'MM_REG_STRUCT'
            ? node.arguments[0]
            : callee === 'XCALLOC'
              ? node.arguments[1]
              : callee === 'XREALLOC'
                ? node.arguments[2]
                : undefined;
        if (structArg && ts.isIdentifier(structArg)) {
          call.struct = structArg.text;
          call.structSpan = span(structArg);
        }
        const unitsArg = callee === 'XCALLOC' ? node.arguments[0] : callee === 'XREALLOC' ? node.arguments[1] : undefined;
        if (unitsArg) {
          const units = literalNumber(unitsArg);
          if (units !== undefined) {
            call.units = units;
            call.unitsSpan = span(unitsArg);
          }
        }
        // XCALLOC_BUF allocates too (from the built-in family buf): it gets the same lenses and hovers.
        const list = callee === 'MM_REG_STRUCT' ? scan.registrations : callee === 'XFREE' ? scan.frees : scan.allocations;
        list.push(call);
      }
    }
    ts.forEachChild(node, visit);
  };
  try {
    visit(source);
  } catch (error) {
    // A chain of thousands of `+` parses (without recursion) but is too deep to walk: where the
    // deepest node visited starts is where it can be split (as the compiler reports it).
    if (!(error instanceof RangeError)) throw error;
    const { line, character } = source.getLineAndCharacterOfPosition(visiting.getStart(source));
    throw new TooDeepForTheStack(error.message, line + 1, character + 1);
  }

  resolveLayouts(scan.structs);
  if (mainBody) {
    const first = mainBody.statements[0];
    const indent = first ? indentOf(text, first.getStart(source)) : indentOf(text, mainBody.getStart(source)) + '  ';
    scan.mainInsert = { offset: first ? lineStart(text, first.getStart(source)) : mainBody.getStart(source) + 1, indent };
    let last: ts.Statement | undefined;
    for (const statement of mainBody.statements) {
      if (
        ts.isExpressionStatement(statement) &&
        ts.isCallExpression(statement.expression) &&
        ts.isIdentifier(statement.expression.expression) &&
        statement.expression.expression.text === 'MM_REG_STRUCT'
      ) {
        last = statement;
      }
    }
    if (last) scan.lastRegistrationEnd = { offset: lineEnd(text, last.getEnd()), indent: indentOf(text, last.getStart(source)) };
  }
  return scan;
}

function isDefaultExport(node: ts.FunctionDeclaration): boolean {
  const modifiers = ts.getModifiers(node) ?? [];
  return modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

function decoratorsOf(node: ts.HasDecorators): readonly ts.Decorator[] {
  return ts.getDecorators(node) ?? [];
}

function decoratorName(expression: ts.Expression): string | undefined {
  const callee = ts.isCallExpression(expression) ? expression.expression : expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

function hasStructDecorator(node: ts.ClassDeclaration): boolean {
  return decoratorsOf(node).some((d) => decoratorName(d.expression) === 'struct');
}

function readStruct(node: ts.ClassDeclaration, source: ts.SourceFile, span: (n: ts.Node) => Span): ScannedStruct {
  const fields: ScannedField[] = [];
  let placement: string | undefined;
  for (const member of node.members) {
    if (!ts.isPropertyDeclaration(member) || !member.name || !(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)))
      continue;
    const decorators = decoratorsOf(member);
    if (decorators.length === 0) continue;
    // The C type is the last decorator that names one (others may be the user's own).
    let type: FieldTypeSyntax | undefined;
    for (const d of decorators) {
      const read = typeSyntax(d.expression, source);
      if (read.kind !== 'unknown' || type === undefined) type = read;
    }
    fields.push({ name: member.name.text, type: type!, span: span(member) });
    if (decorators.some((d) => PLACEMENT_DECORATORS.has(decoratorName(d.expression) ?? '')))
      placement = `field ${member.name.text} is @aligned or @packed`;
  }
  const scanned: ScannedStruct = { name: node.name!.text, nameSpan: span(node.name!), classSpan: span(node), fields };
  // `@struct({ packed, aligned })` and placement attributes are laid out at run time, not here.
  if (decoratorsOf(node).some((d) => decoratorName(d.expression) === 'struct' && ts.isCallExpression(d.expression)))
    placement = '@struct({ … }) options';
  if (placement !== undefined) scanned.layoutProblem = `${placement}: the layout is computed when the harness runs`;
  return scanned;
}

/** The C type a decorator expression (or an array element expression) denotes. */
function typeSyntax(expression: ts.Expression, source: ts.SourceFile): FieldTypeSyntax {
  if (ts.isIdentifier(expression) && SCALAR_NAMES.has(expression.text)) return { kind: 'scalar', name: expression.text };
  if (ts.isPropertyAccessExpression(expression) && SCALAR_NAMES.has(expression.name.text))
    return { kind: 'scalar', name: expression.name.text };
  if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) {
    const target = thunkTarget(expression);
    return target ? { kind: 'struct', target } : { kind: 'unknown', text: expression.getText(source) };
  }
  if (ts.isCallExpression(expression)) {
    const name = decoratorName(expression);
    const args = expression.arguments;
    if (name === 'char' && args[0]) {
      const length = literalNumber(args[0]);
      if (length !== undefined && Number.isInteger(length) && length >= 1) return { kind: 'char', length };
    } else if (
      (name === 'ptr' || name === 'field') &&
      args[0] &&
      (ts.isArrowFunction(args[0]) || ts.isFunctionExpression(args[0]))
    ) {
      const target = thunkTarget(args[0]);
      if (target) return { kind: name === 'ptr' ? 'ptr' : 'struct', target };
    } else if (name === 'array' && args[0] && args[1]) {
      const length = literalNumber(args[1]);
      const element = typeSyntax(args[0], source);
      // Length 0 is a flexible array member, as the harness runtime reads it.
      if (length !== undefined && Number.isInteger(length) && length >= 0 && element.kind !== 'unknown')
        return { kind: 'array', element, length };
    }
  }
  return { kind: 'unknown', text: expression.getText(source) };
}

function thunkTarget(fn: ts.ArrowFunction | ts.FunctionExpression): string | undefined {
  let body: ts.Node = fn.body;
  if (ts.isBlock(body)) {
    const ret = body.statements.find(ts.isReturnStatement);
    if (!ret?.expression) return undefined;
    body = ret.expression;
  }
  while (ts.isParenthesizedExpression(body as ts.Expression)) body = (body as ts.ParenthesizedExpression).expression;
  return ts.isIdentifier(body) ? body.text : undefined;
}

function literalNumber(expression: ts.Expression): number | undefined {
  if (ts.isNumericLiteral(expression)) return Number(expression.text.replace(/_/g, ''));
  if (ts.isParenthesizedExpression(expression)) return literalNumber(expression.expression);
  return undefined;
}

/** Lays out every struct it can; nested structs first, cycles of embedding reported. */
function resolveLayouts(structs: ScannedStruct[]): void {
  const byName = new Map(structs.map((s) => [s.name, s]));
  const visiting = new Set<string>();
  const layout = (s: ScannedStruct): StructLayout | undefined => {
    if (s.layout || s.layoutProblem) return s.layout;
    if (visiting.has(s.name)) {
      s.layoutProblem = `${s.name} embeds itself (use ptr(() => ${s.name}) for a link)`;
      return undefined;
    }
    visiting.add(s.name);
    try {
      const specs: FieldSpec[] = [];
      for (const field of s.fields) {
        const spec = fieldSpec(field.name, field.type);
        if (typeof spec === 'string') {
          s.layoutProblem = `field ${field.name}: ${spec}`;
          return undefined;
        }
        specs.push(spec);
      }
      s.layout = layOutStruct(s.name, specs);
      return s.layout;
    } finally {
      visiting.delete(s.name);
    }
  };
  const fieldSpec = (name: string, type: FieldTypeSyntax): FieldSpec | string => {
    switch (type.kind) {
      case 'scalar': {
        const size = SCALAR_SIZES[type.name]!;
        return { name, type: type.name, size, align: size };
      }
      case 'char':
        return { name, type: `char[${type.length}]`, size: type.length, align: 1 };
      case 'ptr':
        return { name, type: `${type.target} *`, size: 8, align: 8, pointerOffsets: [0] };
      case 'struct': {
        const target = byName.get(type.target);
        if (!target) return `${type.target} is not a @struct class of this file`;
        const nested = layout(target);
        return nested ? structSpec(name, nested) : `${type.target} has no layout (${target.layoutProblem})`;
      }
      case 'array': {
        const element = fieldSpec(name, type.element);
        if (typeof element === 'string') return element;
        return arraySpec(name, element, type.length);
      }
      case 'unknown':
        return `cannot read the C type of @${type.text}`;
    }
  };
  for (const s of structs) layout(s);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end + 1;
}

function indentOf(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** Why a file could not be analysed, and where (1-based), for its one diagnostic. */
export interface UnreadableHarness {
  message: string;
  line: number;
  column: number;
}

/**
 * `scanHarness` that never throws, whatever the text: brackets nested past the compiler's limit
 * are refused before the parser recurses into them, and any other failure (a chain of
 * thousands of operators still overflowing the stack) is caught. Either way the scan is empty
 * and `unreadable` says why, so the language server shows one diagnostic and carries on.
 */
export function scanHarnessSafely(text: string, fileName = 'harness.ts'): { scan: HarnessScan; unreadable?: UnreadableHarness } {
  const tooDeep = findTooDeepNesting(text);
  if (tooDeep) {
    return {
      scan: emptyScan(),
      unreadable: { message: `LMM: ${tooDeepMessage(tooDeep)}`, line: tooDeep.line, column: tooDeep.column },
    };
  }
  try {
    return { scan: scanHarness(text, fileName) };
  } catch (error) {
    if (error instanceof TooDeepForTheStack) {
      const message = 'LMM cannot analyse this file (it nests too deeply here); no static checks for it';
      return { scan: emptyScan(), unreadable: { message, line: error.line, column: error.column } };
    }
    const why =
      error instanceof RangeError ? 'it is too deeply nested' : error instanceof Error ? error.message : 'an unexpected error';
    return {
      scan: emptyScan(),
      unreadable: { message: `LMM cannot analyse this file (${why}); no static checks for it`, line: 1, column: 1 },
    };
  }
}

function emptyScan(): HarnessScan {
  return { structs: [], registrations: [], allocations: [], frees: [] };
}
