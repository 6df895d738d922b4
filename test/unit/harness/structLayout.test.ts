import { strict as assert } from 'node:assert';
import { structInfo, structLayout } from '../../../src/harness/api/structLayout';
import { inProcessHarness } from '../../support/inProcessHarness';

describe('harness struct layout (x86-64 C ABI)', () => {
  const { lmm } = inProcessHarness();
  const { struct, char, u8, u16, u32, u64, i64, f64, ptr, field, array } = lmm;

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

  @struct
  class point_t {
    @u32 x!: number;
    @ptr(() => point_t) link!: point_t | null;
  }

  @struct
  class shape_t {
    @u8 kind!: number;
    @field(() => point_t) origin!: point_t;
    @array(() => point_t, 3) corners!: point_t[];
    @array(u16, 3) tags!: number[];
    @i64 id!: bigint;
  }

  @struct
  class padded_t {
    @u8 active!: number;
    @f64 reading!: number;
    @u8 unit!: number;
    @u64 timestamp!: bigint;
    @u16 channel!: number;
  }

  const layout = (cls: object) => structLayout(structInfo(cls)!);

  it('lays out the seed program: emp_t is 36 bytes, student_t 56', () => {
    assert.equal(layout(emp_t).size, 36);
    assert.equal(layout(emp_t).align, 4);
    const student = layout(student_t);
    assert.equal(student.size, 56);
    assert.deepEqual(
      student.fields.map((f) => [f.name, f.type, f.offset, f.size]),
      [
        ['name', 'char[32]', 0, 32],
        ['rollno', 'u32', 32, 4],
        ['marks_phys', 'u32', 36, 4],
        ['marks_chem', 'u32', 40, 4],
        ['marks_maths', 'u32', 44, 4],
        ['next', 'student_t *', 48, 8],
      ],
    );
    assert.deepEqual(student.pointerOffsets, [48]);
  });

  it('names the struct after the decorator context, not the (possibly renamed) class', () => {
    assert.equal(layout(emp_t).name, 'emp_t');
  });

  it('pads to each field’s alignment and rounds the size up to the struct’s', () => {
    const padded = layout(padded_t);
    assert.deepEqual(
      padded.fields.map((f) => f.offset),
      [0, 8, 16, 24, 32],
    );
    assert.equal(padded.size, 40);
    assert.equal(padded.align, 8);
  });

  it('embeds structs and arrays, flattening their pointers into pointerOffsets', () => {
    assert.equal(layout(point_t).size, 16);
    const shape = layout(shape_t);
    assert.deepEqual(
      shape.fields.map((f) => [f.name, f.type, f.offset, f.size]),
      [
        ['kind', 'u8', 0, 1],
        ['origin', 'point_t', 8, 16],
        ['corners', 'point_t[3]', 24, 48],
        ['tags', 'u16[3]', 72, 6],
        ['id', 'i64', 80, 8],
      ],
    );
    assert.equal(shape.size, 88);
    assert.deepEqual(shape.pointerOffsets, [16, 32, 48, 64]);
  });

  it('refuses a struct that embeds itself, with a clear message', () => {
    @struct
    class loop_t {
      @u32 x!: number;
      @field(() => loop_t) self!: loop_t;
    }
    assert.throws(() => layout(loop_t), /loop_t embeds itself/);
  });

  it('refuses C type decorators outside of fields', () => {
    assert.throws(
      () => (u32 as unknown as (v: undefined, c: object) => void)(undefined, { kind: 'method', name: 'f' }),
      /goes on a class field/,
    );
  });
});
