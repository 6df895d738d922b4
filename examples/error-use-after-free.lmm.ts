// use-after-free: reading and writing a block through a view kept after XFREE. Even when the
// address is reused by a new block, the stale view stays "freed": it never touches the new block.
import { struct, char, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class session_t {
  @char(16) user!: string;
  @u32 expires!: number;
}

export default function main(): void {
  MM_REG_STRUCT(session_t);
  const old = XCALLOC(1, session_t);
  old.user = 'alice';
  XFREE(old);
  const fresh = XCALLOC(1, session_t); // same address as `old`
  fresh.user = 'bob';
  old.expires = 42; // use after free: ignored, reported
  if (old.user !== '' || fresh.user !== 'bob') throw new Error('a stale view reached the new block');
  XFREE(fresh);
}
