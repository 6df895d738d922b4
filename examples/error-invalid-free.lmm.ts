// invalid-free: freeing something that is not the start of an allocated block: element 1 of an
// array block, and null.
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
  XFREE(null);
  XFREE(points);
}
