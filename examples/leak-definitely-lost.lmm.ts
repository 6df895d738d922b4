// definitely-lost: a block nothing points to any more. The only pointer to the emp_t record
// was a local variable, overwritten before the block was freed (the classic lost malloc).
import { struct, char, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class emp_t {
  @char(32) name!: string;
  @u32 emp_id!: number;
}

function hire(name: string, id: number): emp_t {
  const e = XCALLOC(1, emp_t);
  e.name = name;
  e.emp_id = id;
  return e;
}

export default function main(): void {
  MM_REG_STRUCT(emp_t);
  let current = hire('Abhishek', 1); // leaked: `current` is overwritten below
  current = hire('Shivani', 2);
  XFREE(current);
}
