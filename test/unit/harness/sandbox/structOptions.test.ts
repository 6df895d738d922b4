/**
 * `@struct({ packed: true })`, `@struct({ aligned: N })` and `@struct({ pack: N })` (what `lmm
 * import-c` writes for such structs) in a real run, through the sandbox's `struct`, which reads
 * the struct's name once itself. It took every call for the plain decorator, so the options form
 * ended every run with "@struct needs a named class".
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe } from '../../../support/harnessProbe';
import { lmm } from '../../../support/lmmCli';

const IMPORTS = `import { struct, union, u8, u32, u64, ptr, MM_REG_STRUCT, XCALLOC, print, sizeof } from 'lmm-studio';\n`;

describe('the harness sandbox: @struct with layout options', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('lays out packed, aligned and pragma-packed structs as gcc does, on their own line or the class line', async () => {
    const run = await probe.run(
      'options.lmm.ts',
      `${IMPORTS}
@struct({ packed: true })
class wire_t {
  @u8 tag!: number;
  @ptr(() => wire_t) next!: wire_t | null;
}
@struct({ aligned: 16 }) class wide_t { @u32 a!: number; }
@struct({ pack: 2 }) class pair_t { @u8 a!: number; @u64 b!: bigint; }
export default function main() {
  for (const type of [wire_t, wide_t, pair_t]) MM_REG_STRUCT(type);
  const w = XCALLOC(1, wire_t);
  w.next = XCALLOC(1, wire_t);
  print('sizes', sizeof(wire_t), sizeof(wide_t), sizeof(pair_t));
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    // gcc: struct __attribute__((packed)) { char; void *; } is 9 bytes, aligned(16) { int; } 16,
    // #pragma pack(2) { char; long; } 10.
    assert.match(run.output, /sizes 9 16 10/);
  });

  it('runs the harness lmm import-c writes for a packed and a #pragma pack struct', async () => {
    const header = probe.write(
      'wire.h',
      'struct __attribute__((packed)) wire { char tag; struct wire *next; };\n' +
        '#pragma pack(push, 2)\nstruct pair2 { char a; long b; };\n#pragma pack(pop)\n',
    );
    const harness = header.replace(/\.h$/, '.lmm.ts');
    const imported = await lmm('import-c', header, '--no-cc', '-o', harness);
    assert.equal(imported.status, 0, imported.stderr);
    const run = await lmm('run', harness);
    assert.equal(run.status, 0, run.stderr);
  });

  it('still refuses a class without a name, and options on something other than a class', async () => {
    const unnamed = await probe.run(
      'unnamed.lmm.ts',
      `${IMPORTS}
export default function main() {
  const decorate = (struct as any)({ packed: true });
  decorate(class { a!: number; }, { kind: 'class', name: undefined, metadata: {} });
}
`,
    );
    assert.equal(unnamed.outcome, 'crashed');
    assert.match(unnamed.message ?? '', /@struct needs a named class/);
    const badOption = await probe.run(
      'option.lmm.ts',
      `${IMPORTS}
export default function main() {
  (struct as any)({ packd: true });
}
`,
    );
    assert.equal(badOption.outcome, 'crashed');
    assert.match(badOption.message ?? '', /unknown option 'packd'/);
  });
});
