import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const declarations = resolve(__dirname, '..', '..', '..', 'src', 'harness', 'api', 'lmm-studio.d.ts');

/** Type-checks one harness under `strict` against the editor's declarations of lmm-studio. */
function typeErrors(source: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-dts-'));
  try {
    const file = join(dir, 'h.lmm.ts');
    writeFileSync(file, source);
    const program = ts.createProgram([file], {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
      types: [],
      lib: ['lib.es2022.d.ts'],
      skipLibCheck: true,
      baseUrl: dir,
      paths: { 'lmm-studio': [declarations] },
    });
    return ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? d.file.getLineAndCharacterOfPosition(d.start!).line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('lmm-studio declarations for the editor', function () {
  this.timeout(30_000);

  it('type-check the issue’s example harness with no errors under strict', () => {
    assert.deepEqual(
      typeErrors(`import { struct, field, array, char, u8, u16, u32, u64, i8, i16, i32, i64, f32, f64, ptr,
         MM_REG_STRUCT, XCALLOC, XFREE, addressOf, mm_register_root, mm_unregister_root, mm_leak_check, type Block } from 'lmm-studio';
@struct class point_t { @i32 x!: number; @i32 y!: number; }
@struct class emp_t { @char(32) name!: string; @u32 emp_id!: number; }
@struct class student_t {
  @char(32) name!: string;
  @u32 rollno!: number;
  @u32 marks_phys!: number;
  @u32 marks_chem!: number;
  @u32 marks_maths!: number;
  @ptr(() => student_t) next!: student_t | null;
}
@struct class all_t {
  @u8 a!: number; @u16 b!: number; @u64 c!: bigint; @i8 d!: number; @i16 e!: number; @i64 f!: bigint;
  @f32 g!: number; @f64 h!: number;
  @field(() => point_t) at!: point_t;
  @array(u32, 4) values!: number[];
  @array(() => point_t, 3) corners!: point_t[];
  @ptr(() => point_t) many!: Block<point_t> | null;
}
export default function main() {
  MM_REG_STRUCT(emp_t);
  MM_REG_STRUCT(student_t);
  const s = XCALLOC(1, student_t);
  s.rollno = 7;
  s.next = XCALLOC(1, student_t);
  mm_register_root(s);
  XFREE(s.next!);
  const all = XCALLOC(2, all_t);
  all[1].at.x = addressOf(all[0]);
  all[0].corners[2]!.y = all.values[0]! + all.values.length;
  all[0].many = XCALLOC(3, point_t);
  all[0].many![2].x = 1;
  all[0].c = 5n;
  mm_unregister_root(s);
  return mm_leak_check().summary['definitely-lost'].blocks;
}
`),
      [],
    );
  });

  it('type-check every bundled example harness with no errors under strict', () => {
    const examples = resolve(__dirname, '..', '..', '..', 'examples');
    const harnesses = readdirSync(examples).filter((f) => f.endsWith('.lmm.ts'));
    assert.ok(harnesses.includes('string-buffers.lmm.ts'));
    for (const name of harnesses) {
      assert.deepEqual(typeErrors(readFileSync(join(examples, name), 'utf8')), [], name);
    }
  });

  it('type XCALLOC_BUF buffers and @ptr(buf) fields, and keep buffers apart from structs', () => {
    const errors =
      typeErrors(`import { struct, u32, ptr, buf, type Buf, XCALLOC, XCALLOC_BUF, XFREE, addressOf } from 'lmm-studio';
@struct class person_t {
  @ptr(buf) name!: Buf | null;
  @ptr(() => buf) alias!: Buf | null;
  @u32 id!: number;
}
export default function main() {
  const p = XCALLOC(1, person_t);
  const b: Buf = XCALLOC_BUF(8);
  b[0] = 65;
  b.text = 'hi';
  p.name = b;
  const n: number = p.name.length + addressOf(b) + b[1]!;
  XFREE(b);
  XCALLOC(1, buf);
  p.id = b;
  @struct class bad_t { @ptr(buf) name!: string | null; }
  return n;
}
`);
    assert.deepEqual(
      errors.map((e) => e.split(':')[0]),
      ['15', '16', '17'],
    );
  });

  it('catch a decorator that does not match the field’s type, and unknown fields', () => {
    const errors = typeErrors(`import { struct, u32, u64, char, ptr, XCALLOC } from 'lmm-studio';
@struct class t {
  @u32 name!: string;
  @u64 small!: number;
  @char(8) id!: number;
  @ptr(() => t) next!: string | null;
}
export default function main() { XCALLOC(1, t).missing = 1; }
`);
    assert.deepEqual(
      errors.map((e) => e.split(':')[0]),
      ['3', '4', '5', '6', '8'],
    );
  });

  it('type unions, bit-fields, enums, __int128, long double, packed and aligned under strict, and catch mismatches', () => {
    const errors =
      typeErrors(`import { struct, union, bits, cenum, aligned, packed, u8, u32, u64, i128, f80, array, XCALLOC } from 'lmm-studio';
const color = cenum({ RED: 0, BLUE: 2 });
const huge = cenum({ A: 1n, B: 2n ** 40n });
@union class v { @u32 i!: number; @f80 d!: number; }
@struct({ packed: true, aligned: 8 }) class t {
  @bits(u32, 3) flags!: number;
  @bits(u64, 40) wide!: bigint;
  @color c!: number;
  @huge h!: bigint;
  @bits(color, 2) cb!: number;
  @array(color, 2) cs!: number[];
  @aligned(16) @i128 q!: bigint;
  @packed @u8 p!: number;
}
@struct class bad {
  @bits(u32, 3) a!: bigint;
  @bits(u64, 3) b!: number;
  @i128 c!: number;
  @color d!: string;
}
export default function main() { const x = XCALLOC(1, t); x.flags = 1; x.q = 2n; XCALLOC(1, v).d = 1.5; }
`);
    assert.deepEqual(
      errors.map((e) => e.split(':')[0]),
      ['16', '17', '18', '19'],
    );
  });

  it("type the README's C layouts example with no errors under strict", () => {
    const readme = readFileSync(resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const block = /### C layouts[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'the README has a C layouts example');
    const imports =
      "import { struct, union, cenum, bits, aligned, packed, field, array, u8, u16, u32, i64, f64, i128, f80 } from 'lmm-studio';\n";
    assert.deepEqual(typeErrors(imports + block[1]), []);
  });
});
