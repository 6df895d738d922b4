/**
 * The language server's static layouts never disagree with the run's: what the scan cannot lay
 * out as gcc does (packed, aligned) it shows no layout for, rather than a natural one.
 */
import { strict as assert } from 'node:assert';
import { scanHarness } from '../../../src/server/harnessScan';

describe('language server: static layouts of the C layout decorators', () => {
  const scan = scanHarness(`import { struct, aligned, packed, u8, u32, i128, f80 } from 'lmm-studio';
@struct({ packed: true }) class wire_t { @u8 a!: number; @u32 b!: number; }
@struct class spaced_t { @u8 a!: number; @aligned(16) @u32 b!: number; }
@struct class one_packed_t { @u8 a!: number; @packed @u32 b!: number; }
@struct class wide_t { @u8 a!: number; @i128 q!: bigint; @f80 ld!: number; }
`);
  const byName = (name: string) => scan.structs.find((s) => s.name === name)!;

  it('shows no layout for packed or aligned structs and fields (never the natural one)', () => {
    for (const name of ['wire_t', 'spaced_t', 'one_packed_t']) {
      assert.equal(byName(name).layout, undefined, name);
      assert.match(byName(name).layoutProblem!, /computed when the harness runs/);
    }
  });

  it('lays out __int128 and long double at 16 bytes, aligned to 16', () => {
    const layout = byName('wide_t').layout!;
    assert.deepEqual(
      layout.fields.map((f) => [f.name, f.offset, f.size]),
      [
        ['a', 0, 1],
        ['q', 16, 16],
        ['ld', 32, 16],
      ],
    );
    assert.equal(layout.size, 48);
  });
});
