/**
 * Why the system refused a file the user named, in words: Node's own text for these names the
 * system call and the code (`ENOENT: no such file or directory, open '…'`). Shared by the CLI's
 * messages and the harness runtime's (a suppressions file named by a setting).
 */
const FILE_ERROR_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** The words for `error`'s code, or its own message when the code is not one of those above. */
export function fileErrorWords(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && Object.hasOwn(FILE_ERROR_WORDS, code)) return FILE_ERROR_WORDS[code]!;
  return String((error as Error | null | undefined)?.message ?? error);
}
