import { strict as assert } from 'node:assert';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

/**
 * lmm-studio.d.ts's word on `global`: its `value` has the type given, so a global whose block's
 * units are indexed is a `global<Block<T>>` (or infers it from an XCALLOC'd initial value), as an
 * indexed `@ptr` field is typed `Block<T>`; a `global<T>` keeps `T`, which a list walk needs
 * (`let n = head.value; n = n.next`: a `Block<T>` there would refuse the field's `T`, as
 * examples/pointer-variables.lmm.ts shows). Type-checked under the examples' tsconfig, then run.
 */
const root = resolve(__dirname, '..', '..', '..');

function typeErrors(file: string): string[] {
  const examples = join(root, 'examples');
  const config = ts.parseConfigFileTextToJson('tsconfig.json', ts.sys.readFile(join(examples, 'tsconfig.json'))!).config;
  const options = ts.parseJsonConfigFileContent(config, ts.sys, examples).options;
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
}

const HARNESS = `import { struct, i32, ptr, XCALLOC, MM_REG_STRUCT, global, print, type Block } from 'lmm-studio';

@struct class pt { @i32 x!: number; @ptr(() => pt) next!: pt | null; }

const table = global<Block<pt>>('table');
const head = global<pt>('head');

function total(): number {
  let sum = 0;
  for (let n = head.value; n !== null; n = n.next) sum += n.x;
  return sum;
}

export default function main(): void {
  MM_REG_STRUCT(pt);
  table.value = XCALLOC(3, pt);
  table.value[2].x = 7;
  const inferred = global('inferred', XCALLOC(2, pt));
  inferred.value![1].x = 5;
  head.value = table.value[0];
  head.value.next = table.value[2];
  print(table.value[2].x, inferred.value![1].x, total());
  table.value = null;
  inferred.value = null;
  head.value = null;
}
`;

describe('global<T>: the type of its value, and indexing its block', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-indexed-global-');

  it('global<Block<T>> and an XCALLOC initial value index; global<T> walks a list; all with no type errors', () => {
    assert.deepEqual(typeErrors(scratch.write('indexed.lmm.ts', HARNESS)), []);
  });

  it('global<T> keeps T: value[i] is a type error naming T', () => {
    const file = scratch.write(
      'unindexed.lmm.ts',
      `import { struct, i32, global } from 'lmm-studio';\n@struct class pt { @i32 x!: number; }\nconst g = global<pt>('g');\nexport default function main(): void { void g.value![1]; }\n`,
    );
    const errors = typeErrors(file);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /^4: .*Property '1' does not exist on type 'pt'/);
  });

  it('runs as typed: value[i] is the i-th unit of the block', async () => {
    const { status, stdout } = await lmm('run', scratch.write('indexed-run.lmm.ts', HARNESS), '-q', '--leak-check=no');
    assert.equal(status, 0, stdout);
    assert.equal(stdout.trim(), '7 5 7');
  });
});
