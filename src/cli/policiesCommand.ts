/** `lmm policies [--long]`: the allocation policies, one name a line (--long adds what each does and its header cost). */
import { POLICIES } from '../policies/policyRegistry';
import { CliError, type CliIo } from './cliIo';

export function policiesCommand(args: string[], io: CliIo): number {
  const long = args.includes('--long');
  const unknown = args.find((a) => a !== '--long');
  if (unknown !== undefined) throw new CliError(`lmm policies: ${unknown}: unknown argument (usage: lmm policies [--long])`);
  const width = Math.max(...POLICIES.map((p) => p.name.length));
  for (const p of POLICIES) io.stdout(long ? `${p.name.padEnd(width)}  ${p.summary} [headers: ${p.header}]\n` : `${p.name}\n`);
  return 0;
}
