/**
 * `LMM: New Harness`: the template a new harness starts from, and the fallback that makes
 * `import … from 'lmm-studio'` resolve when the TypeScript server plugin does not load: a copy of
 * the declarations in `.lmm/lmm-studio.d.ts` and a `paths` entry for it in tsconfig.json.
 */

/** A struct-name-safe identifier from what the user typed ("my list" → "my_list"). */
export function harnessBaseName(input: string): string {
  const cleaned = input
    .trim()
    .replace(/\.lmm\.ts$|\.ts$/i, '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return cleaned || 'harness';
}

/** The template: two structs, a list built and mostly freed, one deliberate leak to show the views. */
export function harnessTemplate(): string {
  return `// An LMM Studio harness: the C program you want to study, in TypeScript.
// Run it with "LMM: Run Harness" (or the ▶ button above) and watch the heap in the LMM views.
import { struct, char, u32, ptr, MM_REG_STRUCT, XCALLOC, XFREE, mm_register_root } from 'lmm-studio';

@struct
class emp_t {
  @char(32) name!: string;
  @u32 emp_id!: number;
}

@struct
class student_t {
  @char(32) name!: string;
  @u32 rollno!: number;
  @u32 marks_phys!: number;
  @u32 marks_chem!: number;
  @u32 marks_maths!: number;
  @ptr(() => student_t) next!: student_t | null;
}

function new_student(rollno: number): student_t {
  const s = XCALLOC(1, student_t);
  s.rollno = rollno;
  s.name = \`student \${rollno}\`;
  return s;
}

export default function main() {
  MM_REG_STRUCT(emp_t);
  MM_REG_STRUCT(student_t);

  // A list of 100 students, held by a root (like a global variable in C).
  const head = new_student(0);
  mm_register_root(head);
  let tail = head;
  for (let i = 1; i < 100; i++) {
    tail.next = new_student(i);
    tail = tail.next;
  }

  // Free every student but the head...
  let s = head.next;
  while (s) {
    const next = s.next;
    XFREE(s);
    s = next;
  }
  head.next = null;

  // ...and lose an employee record: a definitely-lost leak on this line.
  const e = XCALLOC(1, emp_t);
  e.emp_id = 42;
}
`;
}

/** A tsconfig.json for a folder that has none: standard decorators, strict, and the `paths` fallback. */
export function harnessTsconfig(declarationsPath: string): string {
  return (
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          strict: true,
          noEmit: true,
          paths: { 'lmm-studio': [declarationsPath] },
        },
        include: ['**/*.ts'],
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * Adds `"lmm-studio": [declarationsPath]` to an existing tsconfig's `compilerOptions.paths`.
 * Returns the new text, the same text when an entry exists, or undefined when the file is not
 * plain JSON (comments, trailing commas): then the user is told the line to add, rather than
 * having their file rewritten without its comments.
 */
export function withPathsEntry(tsconfigText: string, declarationsPath: string): string | undefined {
  let config: { compilerOptions?: { paths?: Record<string, string[]> } };
  try {
    config = JSON.parse(tsconfigText) as typeof config;
  } catch {
    return undefined;
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined;
  config.compilerOptions ??= {};
  config.compilerOptions.paths ??= {};
  if (config.compilerOptions.paths['lmm-studio']) return tsconfigText;
  config.compilerOptions.paths['lmm-studio'] = [declarationsPath];
  const indent = /^[ \t]+/m.exec(tsconfigText)?.[0] ?? '  ';
  return JSON.stringify(config, null, indent) + '\n';
}
