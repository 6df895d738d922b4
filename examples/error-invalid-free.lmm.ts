// invalid-free: freeing something that is not the start of an allocated block: elements 1 and 2
// of an array block. XFREE(null) is no error (free(NULL) does nothing in C).
import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class point_t {
  @u32 x!: number;
  @u32 y!: number;
}

export default function main(): void {
  MM_REG_STRUCT(point_t);
  const points = XCALLOC(3, point_t);
  XFREE(points[1]); // interior: 8 bytes into the block
  XFREE(points[2]); // interior: 16 bytes into the block
  XFREE(null); // nothing to free: no error, no heap step
  XFREE(points);
}
