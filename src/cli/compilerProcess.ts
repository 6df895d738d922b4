/**
 * How import-c runs the C compiler: with a limit on its processor time that the compiler proper
 * inherits. The 60 s timeout of execFileSync ends only the driver (cc); cc1, which it starts, went
 * on alone: a header of 100,000 nested structs left a cc1 busy for minutes after lmm had exited.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';

/** Seconds of processor time the compiler and the processes it starts may use. */
export const COMPILER_CPU_SECONDS = 60;

/**
 * The command that runs `file args` under `ulimit -t seconds` (a POSIX shell's limit, kept across
 * exec and by every child); on Windows, where there is no such shell, the command as it is.
 */
export function limitedCommand(
  file: string,
  args: readonly string[],
  seconds = COMPILER_CPU_SECONDS,
  platform: NodeJS.Platform = process.platform,
): { file: string; args: string[] } {
  if (platform === 'win32') return { file, args: [...args] };
  // "$0" "$@": the compiler and its arguments reach it as they are, never read by the shell.
  return { file: '/bin/sh', args: ['-c', `ulimit -t ${seconds} 2>/dev/null; exec "$0" "$@"`, file, ...args] };
}

/** execFileSync of the compiler under its processor-time limit. */
export function execCompiler(compiler: string, args: readonly string[], options: ExecFileSyncOptions): string | Buffer {
  const command = limitedCommand(compiler, args);
  return execFileSync(command.file, command.args, options);
}
