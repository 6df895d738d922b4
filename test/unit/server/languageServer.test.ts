import { strict as assert } from 'node:assert';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { scanHarness } from '../../../src/server/harnessScan';
import { staticDiagnostics } from '../../../src/server/staticChecks';
import { failureSiteOf, runDiagnostics, type SourceFiles } from '../../../src/server/runDiagnostics';
import { codeActions, codeLenses, completionAt, hoverAt, layoutMarkdown, reorderEdit } from '../../../src/server/editorFeatures';
import type { LmmReport, ReportSite } from '../../../src/protocol/runReportSchema';

const FILE = '/w/list.lmm.ts';
const HARNESS = `import { struct, field, array, char, u8, u32, u64, ptr, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct class emp_t {
  @char(32) name!: string;
  @u32 emp_id!: number;
}
@struct class student_t {
  @char(32) name!: string;
  @u32 rollno!: number;
  @u32 marks_phys!: number;
  @u32 marks_chem!: number;
  @u32 marks_maths!: number;
  @ptr(() => student_t) next!: student_t | null;
}
@struct class padded_t {
  @u8 flag!: number;
  @u64 id!: bigint;
  @u8 kind!: number;
}
@struct class point_t { @u32 x!: number; @u32 y!: number; }
@struct class shape_t {
  @field(() => point_t) origin!: point_t;
  @array(() => point_t, 3) corners!: point_t[];
  @array(u32, 4) tags!: number[];
  @array(ptr(() => shape_t), 2) links!: (shape_t | null)[];
}
@struct class huge_t { @char(5000) blob!: string; }

export default function main() {
  MM_REG_STRUCT(emp_t);
  MM_REG_STRUCT(student_t);
  MM_REG_STRUCT(emp_t);
  const s = XCALLOC(1, student_t);
  const many = XCALLOC(100, student_t);
  const p = XCALLOC(1, padded_t);
  XFREE(s);
}
`;

/** A diagnostic's message as text (LSP 3.18 allows Markdown messages). */
const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);
const doc = (source = HARNESS) => TextDocument.create('file:///w/list.lmm.ts', 'typescript', 1, source);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('language server: harness scan and C layouts', () => {
  const scan = scanHarness(HARNESS, FILE);
  const layout = (name: string) => scan.structs.find((s) => s.name === name)!.layout!;

  it('lays structs out with the x86-64 rules (emp_t 36, student_t 56)', () => {
    assert.deepEqual(
      scan.structs.map((s) => s.name),
      ['emp_t', 'student_t', 'padded_t', 'point_t', 'shape_t', 'huge_t'],
    );
    assert.equal(layout('emp_t').size, 36);
    assert.equal(layout('student_t').size, 56);
    assert.deepEqual(
      layout('student_t').fields.map((f) => [f.name, f.offset, f.type]),
      [
        ['name', 0, 'char[32]'],
        ['rollno', 32, 'u32'],
        ['marks_phys', 36, 'u32'],
        ['marks_chem', 40, 'u32'],
        ['marks_maths', 44, 'u32'],
        ['next', 48, 'student_t *'],
      ],
    );
    assert.equal(layout('padded_t').size, 24);
  });

  it('reads nested structs, arrays of structs, scalars and pointers', () => {
    const shape = layout('shape_t');
    assert.deepEqual(
      shape.fields.map((f) => [f.name, f.offset, f.size, f.type]),
      [
        ['origin', 0, 8, 'point_t'],
        ['corners', 8, 24, 'point_t[3]'],
        ['tags', 32, 16, 'u32[4]'],
        ['links', 48, 16, 'shape_t *[2]'],
      ],
    );
    assert.equal(shape.size, 64);
    assert.deepEqual(shape.pointerOffsets, [48, 56]);
  });

  it('finds registrations, allocations with literal units, frees and main', () => {
    assert.deepEqual(
      scan.registrations.map((r) => r.struct),
      ['emp_t', 'student_t', 'emp_t'],
    );
    assert.deepEqual(
      scan.allocations.map((a) => [a.struct, a.units]),
      [
        ['student_t', 1],
        ['student_t', 100],
        ['padded_t', 1],
      ],
    );
    assert.equal(scan.frees.length, 1);
    assert.ok(scan.mainInsert && scan.lastRegistrationEnd);
    assert.equal(HARNESS.slice(scan.lastRegistrationEnd!.offset).split('\n')[0], '  const s = XCALLOC(1, student_t);');
  });

  it('keeps going on a half-typed file, and says why a layout is missing', () => {
    const partial = scanHarness(
      '@struct class a_t { @u32 x!: number; @mystery y!: number; }\n@struct class b_t { @field(() => nope_t) n!: unknown;\nfunction main( {',
      FILE,
    );
    assert.equal(partial.structs.length, 2);
    assert.match(partial.structs[0]!.layoutProblem!, /field y: cannot read the C type of @mystery/);
    assert.match(partial.structs[1]!.layoutProblem!, /nope_t is not a @struct class of this file/);
  });
});

describe('language server: static checks', () => {
  const document = doc();
  const diagnostics = staticDiagnostics(document, scanHarness(HARNESS, FILE), 4096);
  const byCode = (code: string) => diagnostics.filter((d) => d.code === code);

  it('flags a struct used but never registered, on the XCALLOC argument', () => {
    const [d] = byCode('unregistered-struct');
    assert.equal(byCode('unregistered-struct').length, 1);
    assert.equal(d!.range.start.line + 1, lineOf(HARNESS, 'XCALLOC(1, padded_t)'));
    assert.equal(document.getText(d!.range), 'padded_t');
    assert.equal(d!.source, 'LMM');
    assert.deepEqual(d!.data, { struct: 'padded_t' });
  });

  it('flags a second registration', () => {
    const [d] = byCode('duplicate-registration');
    assert.equal(d!.range.start.line, HARNESS.split('\n').lastIndexOf('  MM_REG_STRUCT(emp_t);'), 'on the second one');
    assert.match(text(d!), /emp_t is registered twice/);
  });

  it('flags a literal request above the page capacity (100 × 56 > 4024)', () => {
    const [d] = byCode('too-large');
    assert.equal(document.getText(d!.range), '100');
    assert.match(text(d!), /5600 bytes exceeds the 4024 bytes/);
    const bigPages = staticDiagnostics(document, scanHarness(HARNESS, FILE), 8192);
    assert.equal(bigPages.filter((x) => x.code === 'too-large').length, 0, 'fits an 8 KiB page');
  });

  it('flags a struct larger than a page as an error', () => {
    const [d] = byCode('struct-too-large');
    assert.equal(document.getText(d!.range), 'huge_t');
    assert.equal(d!.severity, DiagnosticSeverity.Error);
  });
});

describe('language server: run results as diagnostics', () => {
  const site = (line: number, column = 13): ReportSite => ({ file: FILE, line, column });
  const allocLine = lineOf(HARNESS, 'const s = XCALLOC');
  const column = HARNESS.split('\n')[allocLine - 1]!.indexOf('XCALLOC') + 1;
  const report: LmmReport = {
    schemaVersion: 2,
    families: [],
    totals: { pages: 0, mappedBytes: 0, appMemory: 0, mmap: 0, munmap: 0 },
    sites: [
      {
        site: site(allocLine, column),
        stack: [site(allocLine, column)],
        struct: 'student_t',
        allocated: 120,
        freed: 117,
        live: 3,
        peakLive: 40,
        leakedBlocks: 3,
        leakedBytes: 168,
      },
    ],
    leaks: [
      {
        kind: 'definitely-lost',
        struct: 'student_t',
        blocks: 1,
        bytes: 56,
        site: site(allocLine, column),
        stack: [site(allocLine, column), site(40, 3)],
        suppressed: false,
        drags: { blocks: 2, bytes: 112 },
      },
      {
        kind: 'still-reachable',
        struct: 'emp_t',
        blocks: 1,
        bytes: 36,
        site: site(35),
        stack: [site(35)],
        suppressed: false,
        rootPath: [{ struct: 'emp_t', field: '', site: site(35) }],
      },
      { kind: 'possibly-lost', struct: 'emp_t', blocks: 4, bytes: 144, site: site(35), stack: [site(35)], suppressed: true },
    ],
    errors: [
      {
        kind: 'double-free',
        message: 'double free of a student_t block',
        count: 2,
        site: site(37, 3),
        stack: [site(37, 3)],
        allocSite: site(allocLine, column),
        freeSite: site(36, 3),
      },
    ],
    leakChecks: [],
    hints: [
      { kind: 'padding', struct: 'padded_t', message: 'reordering padded_t saves 8 bytes per object', savingBytes: 8 },
      { kind: 'short-lived', site: site(34), message: 'many short-lived blocks', savingBytes: 0 },
    ],
  };
  const files: SourceFiles = {
    text: (file) => (file === FILE ? HARNESS : undefined),
    uri: (file) => `file://${file}`,
    structSite: (name) => (name === 'padded_t' ? site(15, 15) : undefined),
  };
  const byFile = runDiagnostics({ runId: 1, status: 'finished', report, harnessFile: FILE }, files);
  const list = byFile.get(FILE)!;
  const find = (code: string) => list.find((d) => d.code === code)!;

  it('puts a leak warning on the XCALLOC line, naming kind, blocks, bytes and struct', () => {
    const leak = find('definitely-lost');
    assert.equal(leak.severity, DiagnosticSeverity.Warning);
    assert.equal(leak.source, 'LMM');
    assert.equal(leak.range.start.line + 1, allocLine);
    assert.equal(doc().getText(leak.range), 'XCALLOC');
    assert.equal(
      leak.message,
      'definitely-lost: 1 student_t block, 56 bytes, allocated here (dragging along 2 more blocks, 112 bytes)',
    );
    assert.deepEqual(
      leak.relatedInformation!.map((r) => [r.message, r.location.range.start.line + 1]),
      [
        ['drags along 2 indirectly-lost blocks (112 bytes) reachable only from these', allocLine],
        ['called from here', 40],
      ],
    );
  });

  it('still-reachable is information with its root path; suppressed records are not shown', () => {
    const reachable = find('still-reachable');
    assert.equal(reachable.severity, DiagnosticSeverity.Information);
    assert.equal(reachable.relatedInformation![0]!.message, 'root: emp_t, registered with mm_register_root here');
    assert.equal(list.filter((d) => d.code === 'possibly-lost').length, 0);
  });

  it('memory errors are errors, with the allocation and free sites', () => {
    const error = find('double-free');
    assert.equal(error.severity, DiagnosticSeverity.Error);
    assert.equal(error.message, 'double free of a student_t block (2 times)', 'the kind is said once (it is the code too)');
    assert.deepEqual(
      error.relatedInformation!.map((r) => r.message),
      ['the block was allocated here', 'the block was freed here'],
    );
  });

  it("hints are information: on the site, or on the struct's class when they have none", () => {
    const padding = find('hint-padding');
    assert.equal(padding.severity, DiagnosticSeverity.Information);
    assert.deepEqual(
      padding.range,
      { start: { line: 14, character: 8 }, end: { line: 14, character: 13 } },
      'on `class`, not on the name',
    );
    assert.deepEqual(padding.data, { struct: 'padded_t' });
    assert.match(text(padding), /\(saves 8 bytes\)$/);
    assert.equal(find('hint-short-lived').range.start.line, 33);
  });

  it('a failed run puts its message on the line it names', () => {
    const failed = runDiagnostics(
      { runId: 2, status: 'failed', report: null, harnessFile: FILE, message: 'x', failureSite: site(5, 1) },
      files,
    );
    assert.equal(failed.get(FILE)![0]!.code, 'run-failed');
    const timedOut = runDiagnostics(
      {
        runId: 3,
        status: 'failed',
        report: null,
        harnessFile: FILE,
        message: `${FILE}:5:11: time limit of 1000 ms exceeded`,
        failureSite: site(5, 11),
      },
      files,
    );
    assert.equal(
      text(timedOut.get(FILE)![0]!),
      'the run failed: time limit of 1000 ms exceeded',
      'the place is where it sits, not in the text',
    );
    // A path with spaces and parentheses (a second download, `broken (1).lmm.ts`): the place is taken off whole.
    const spaced = '/w/my proj/broken (1).lmm.ts';
    const spacedFailure = runDiagnostics(
      {
        runId: 4,
        status: 'failed',
        report: null,
        harnessFile: spaced,
        message: `${spaced}:10:31: Expected ")" but found ";"`,
        failureSite: { file: spaced, line: 10, column: 31 },
      },
      files,
    );
    assert.equal(text(spacedFailure.get(spaced)![0]!), 'the run failed: Expected ")" but found ";"');
    assert.deepEqual(failureSiteOf('SyntaxError at list.lmm.ts:12:5: unexpected token', FILE), {
      file: FILE,
      line: 12,
      column: 5,
    });
    assert.equal(failureSiteOf('time limit of 10 s exceeded', FILE), undefined);
    // A malformed trace or malloc-lab workload fails at its line, as `lmm trace` says it.
    assert.deepEqual(failureSiteOf("/w/seed.trace:6: unknown command 'bogus'", '/w/seed.trace'), {
      file: '/w/seed.trace',
      line: 6,
      column: 1,
    });
    assert.deepEqual(failureSiteOf('/w/short.rep:3: expected a request', '/w/short.rep'), {
      file: '/w/short.rep',
      line: 3,
      column: 1,
    });
  });

  it('code lenses over each XCALLOC give allocated / live / leaked', () => {
    const document = doc();
    const lenses = codeLenses(document, scanHarness(HARNESS, FILE), report, FILE);
    assert.equal(lenses.length, 3);
    assert.equal(lenses[0]!.command!.title, 'allocated 120 · live 3 · leaked 3');
    assert.equal(lenses[1]!.command!.title, 'not reached in the last run');
    assert.deepEqual(codeLenses(document, scanHarness(HARNESS, FILE), undefined, FILE), []);
  });

  it('treats XCALLOC_BUF as an allocation (lenses and hovers) with no struct argument', () => {
    const text = `import { XCALLOC_BUF, XFREE } from 'lmm-studio';\nexport default function main() {\n  const b = XCALLOC_BUF(32);\n  XFREE(b);\n}\n`;
    const scan = scanHarness(text, FILE);
    assert.equal(scan.allocations.length, 1);
    assert.equal(scan.allocations[0]!.struct, undefined);
    assert.equal(scan.frees.length, 1);
    const document = TextDocument.create('file:///h.lmm.ts', 'typescript', 1, text);
    assert.equal(codeLenses(document, scan, report, FILE)[0]!.command!.title, 'not reached in the last run');
  });

  it('hovers: C layout on a struct, site figures on XCALLOC', () => {
    const document = doc();
    const scan = scanHarness(HARNESS, FILE);
    const at = (needle: string, delta = 1) => document.positionAt(HARNESS.indexOf(needle) + delta);
    const structHover = hoverAt(document, scan, at('class padded_t', 8), report, FILE, 4096)!;
    const text = (structHover.contents as { value: string }).value;
    assert.match(text, /\*\*struct padded_t\*\* — `sizeof` = 24 bytes, alignment 8, 14 bytes of padding/);
    assert.match(text, /\| 1 \| 7 \| \*padding\* \| \|/);
    assert.match(text, /Reordered \(id, flag, kind\): 16 bytes\./);
    const siteHover = hoverAt(document, scan, at('XCALLOC(1, student_t)'), report, FILE, 4096)!;
    assert.match(
      (siteHover.contents as { value: string }).value,
      /allocated 120, freed 117, live 3 \(peak 40\), leaked 3 blocks \/ 168 bytes/,
    );
    assert.equal(hoverAt(document, scan, at('export default'), report, FILE, 4096), null);
    const freeLine = lineOf(HARNESS, 'XFREE(s)');
    const withFrees = { ...report, freeSites: [{ site: site(freeLine, 3), freed: 117, refused: 2 }] };
    const freeHover = hoverAt(document, scan, at('XFREE(s)'), withFrees, FILE, 4096)!;
    assert.match((freeHover.contents as { value: string }).value, /freed 117 blocks here, refused 2 \(double or invalid free\)/);
    assert.match(
      (hoverAt(document, scan, at('XFREE(s)'), report, FILE, 4096)!.contents as { value: string }).value,
      /No free ran on this line/,
    );
    assert.match(layoutMarkdown(scan.structs[1]!.layout!, 4096), /39 per 4096-byte page/);
  });
});

describe('language server: completion and quick fixes', () => {
  it('completes struct names in MM_REG_STRUCT( and XCALLOC(n, ', () => {
    const text = HARNESS.replace('XFREE(s);', 'XFREE(s);\n  XCALLOC(2, st');
    const document = doc(text);
    const scan = scanHarness(text, FILE);
    const items = completionAt(document, scan, document.positionAt(text.indexOf('XCALLOC(2, st') + 'XCALLOC(2, st'.length));
    assert.equal(items.length, 6);
    const first = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0]!;
    assert.equal(first.label, 'emp_t', 'registered structs first for XCALLOC');
    assert.equal(items.find((i) => i.label === 'student_t')!.detail, 'struct student_t: 56 bytes');
    assert.deepEqual(completionAt(document, scan, document.positionAt(text.indexOf('const s ='))), []);
  });

  it('adds the missing MM_REG_STRUCT after the last registration', () => {
    const document = doc();
    const scan = scanHarness(HARNESS, FILE);
    const diagnostics = staticDiagnostics(document, scan, 4096).filter((d) => d.code === 'unregistered-struct');
    const [action] = codeActions(document, scan, diagnostics);
    assert.equal(action!.title, 'Add MM_REG_STRUCT(padded_t) to main');
    const edit = action!.edit!.changes![document.uri]![0]!;
    const fixed = TextDocument.applyEdits(document, [edit]);
    assert.match(fixed, /MM_REG_STRUCT\(emp_t\);\n {2}MM_REG_STRUCT\(padded_t\);\n {2}const s = XCALLOC/);
    const again = staticDiagnostics(doc(fixed), scanHarness(fixed, FILE), 4096);
    assert.equal(again.filter((d) => d.code === 'unregistered-struct').length, 0);
  });

  it('reorders fields as a padding hint proposes (and the result has no padding left but the tail)', () => {
    const document = doc();
    const scan = scanHarness(HARNESS, FILE);
    const hint: Diagnostic = {
      range: { start: { line: 14, character: 0 }, end: { line: 14, character: 1 } },
      message: 'padding',
      code: 'hint-padding',
      data: { struct: 'padded_t' },
    };
    const [action] = codeActions(document, scan, [hint]);
    assert.equal(action!.title, 'Reorder the fields of padded_t to remove padding');
    const fixed = TextDocument.applyEdits(document, [action!.edit!.changes![document.uri]![0]!]);
    assert.match(fixed, /@struct class padded_t \{\n {2}@u64 id!: bigint;\n {2}@u8 flag!: number;\n {2}@u8 kind!: number;\n\}/);
    assert.equal(scanHarness(fixed, FILE).structs.find((s) => s.name === 'padded_t')!.layout!.size, 16);
    const student = scan.structs.find((s) => s.name === 'student_t')!;
    assert.equal(reorderEdit(document, HARNESS, student), undefined, 'nothing to gain: no edit');
  });
});

describe('language server: run diagnostics stay readable', () => {
  it('caps findings per file and says how many more there are', () => {
    const site = (line: number): ReportSite => ({ file: '/w/big.rep', line, column: 1 });
    const errors = Array.from({ length: 700 }, (_, i) => ({
      kind: 'too-large',
      message: 'too large',
      count: 1,
      site: site(i + 5),
      stack: [site(i + 5)],
    }));
    const report = {
      schemaVersion: 2,
      families: [],
      totals: { pages: 0, mappedBytes: 0, appMemory: 0, mmap: 0, munmap: 0 },
      sites: [],
      leaks: [],
      errors,
      leakChecks: [],
      hints: [],
    } as LmmReport;
    const files: SourceFiles = { text: () => undefined, uri: (f) => `file://${f}`, structSite: () => undefined };
    const list = runDiagnostics({ runId: 1, status: 'finished', report }, files).get('/w/big.rep')!;
    assert.equal(list.length, 501);
    assert.equal(text(list[500]!), '500 of 700 findings in /w/big.rep shown: 200 more are in the exported report');
  });
});
