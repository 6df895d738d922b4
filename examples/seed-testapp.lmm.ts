// The seed's test program: 120 student_t allocated into a singly linked list, then freed in
// allocation order. LMM: 4 student_t pages at the peak (12,480 bytes of application memory),
// 4 mmap and 4 munmap calls for student_t, no leaks, no errors.
import {
  struct,
  char,
  u32,
  ptr,
  MM_REG_STRUCT,
  XCALLOC,
  XFREE,
  mm_register_root,
  mm_unregister_root,
  mm_print_memory_usage,
  mm_print_block_usage,
  print,
} from 'lmm-studio';

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

const STUDENTS = 120;

export default function main(): void {
  MM_REG_STRUCT(emp_t);
  MM_REG_STRUCT(student_t);

  // Build the list in allocation order: head is the first student, tail the last.
  const head = XCALLOC(1, student_t);
  head.name = 'student 1';
  head.rollno = 1;
  mm_register_root(head);
  let tail = head;
  for (let i = 2; i <= STUDENTS; i++) {
    const s = XCALLOC(1, student_t);
    s.name = `student ${i}`;
    s.rollno = i;
    s.marks_phys = (i * 7) % 100;
    s.marks_chem = (i * 11) % 100;
    s.marks_maths = (i * 13) % 100;
    tail.next = s;
    tail = s;
  }

  // Like the seed's testapp.c: the reports at the peak, before anything is freed.
  print(`allocated ${STUDENTS} students; the last is`, tail);
  mm_print_memory_usage();
  mm_print_block_usage();

  // Free in allocation order, walking the list.
  mm_unregister_root(head);
  let node: student_t | null = head;
  while (node !== null) {
    const next: student_t | null = node.next;
    XFREE(node);
    node = next;
  }
}
