/**
 * What makes two memory errors one context (one record, "N errors in context M"), as memcheck:
 * the kind and the first ERROR_CONTEXT_FRAMES frames of the stack. valgrind's m_errormgr.c
 * compares errors at `Vg_MedRes`, the first 4 instruction addresses of their stacks (fewer when
 * `--num-callers` keeps fewer); an allocator's frame (`at free`) is one of them, so an XFREE
 * error, whose harness stack has no such frame, compares 3 harness frames.
 */
export const ERROR_CONTEXT_FRAMES = 4;
