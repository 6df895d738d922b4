// out-of-bounds: an index past the units of a block, past an array field, and a string longer
// than its char[n], which is cut to fit. Reads out of bounds give 0 / '', writes there are ignored; nothing throws.
import { struct, array, char, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class grade_t {
  @char(8) course!: string;
  @array(u32, 4) marks!: number[];
}

export default function main(): void {
  MM_REG_STRUCT(grade_t);
  const grades = XCALLOC(2, grade_t);
  grades[2].course = 'x'; // unit 2 of a block of 2
  grades[0].marks[4] = 99; // marks[4] of u32[4]
  grades[1].course = 'Operating Systems'; // 17 bytes into char[8]: cut to 7
  const total = grades[0].marks[4]! + grades[5].marks[0]!; // reads of 0
  const course = grades[1].course;
  XFREE(grades);
  if (total !== 0) throw new Error('out-of-bounds reads must give 0');
  if (course !== 'Operati') throw new Error(`a string too long for char[8] must keep its first 7 bytes, not '${course}'`);
}
