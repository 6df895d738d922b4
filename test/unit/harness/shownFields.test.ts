import { strict as assert } from 'node:assert';
import type { HeapOpBatch } from '../../../src/engine/heapOps';
import { inProcessHarness } from '../../support/inProcessHarness';

/**
 * What MM_REG_STRUCT records of a struct's fields for the Block panel's field view: every field,
 * and the fields of a nested struct (to any depth) as `outer.inner` at their offsets in the unit.
 */
describe('harness runtime: the fields a registered struct shows', () => {
  it('lists nested struct fields, expanded, at their offsets in the outer struct', () => {
    const batches: HeapOpBatch[] = [];
    const h = inProcessHarness({ onBatch: (batch) => void batches.push(batch.ops) });
    const { struct, u8, u32, i16, ptr, field, array } = h.lmm;
    @struct
    class point_t {
      @i16 x!: number;
      @i16 y!: number;
    }
    @struct
    class segment_t {
      @u8 color!: number;
      @field(() => point_t) from!: point_t;
      @field(() => point_t) to!: point_t;
    }
    @struct
    class shape_t {
      @u32 id!: number;
      @field(() => segment_t) edge!: segment_t;
      @array(u32, 2) tags!: number[];
      @ptr(() => shape_t) next!: shape_t | null;
    }
    h.lmm.MM_REG_STRUCT(shape_t);
    h.runtime.flush();
    const fields = batches.flatMap((b) => b.fields ?? []).at(-1)!;
    assert.deepEqual(
      fields.map((f) => `${f.name} ${f.type} @${f.offset}+${f.size}`),
      [
        'id u32 @0+4',
        'edge segment_t @4+10',
        'edge.color u8 @4+1',
        'edge.from point_t @6+4',
        'edge.from.x i16 @6+2',
        'edge.from.y i16 @8+2',
        'edge.to point_t @10+4',
        'edge.to.x i16 @10+2',
        'edge.to.y i16 @12+2',
        'tags u32[2] @16+8',
        'next shape_t * @24+8',
      ],
    );
    // Every nested field lies inside its outer field's bytes.
    for (const inner of fields.filter((f) => f.name.includes('.'))) {
      const outer = fields.find((f) => f.name === inner.name.slice(0, inner.name.lastIndexOf('.')))!;
      assert.ok(inner.offset >= outer.offset && inner.offset + inner.size <= outer.offset + outer.size, inner.name);
    }
  });
});
