// possibly-lost: the only pointer the program keeps to a block of 4 records points at record 2
// (an interior pointer), as C code does when it keeps `&table[2]`. Memcheck cannot tell whether
// the start of the block is still known, so the block is "possibly lost".
import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC, mm_register_root } from 'lmm-studio';

@struct
class slot_t {
  @u32 key!: number;
  @u32 value!: number;
}

@struct
class cursor_t {
  @ptr(() => slot_t) at!: slot_t | null;
}

export default function main(): void {
  MM_REG_STRUCT(slot_t);
  MM_REG_STRUCT(cursor_t);
  const table = XCALLOC(4, slot_t);
  for (let i = 0; i < 4; i++) table[i].key = i;
  const cursor = XCALLOC(1, cursor_t);
  cursor.at = table[2]; // the interior pointer
  mm_register_root(cursor);
}
