// unregistered-struct: XCALLOC of a struct never passed to MM_REG_STRUCT returns null.
import { struct, u32, XCALLOC } from 'lmm-studio';

@struct
class packet_t {
  @u32 seq!: number;
}

export default function main(): void {
  const p = XCALLOC(1, packet_t); // forgot MM_REG_STRUCT(packet_t)
  if (p !== null) throw new Error('expected null');
}
