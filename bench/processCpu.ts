/**
 * CPU time of the bench's own descendants (Chromium's browser, GPU and renderer processes,
 * code-server's server and extension host), read from /proc: which process, and which of its
 * threads, takes the cores while a live run goes on. Only this process's descendants count, so
 * another developer's Chromium or test run on the same machine is left out.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** The kernel's clock ticks per second, the unit of /proc's CPU times. */
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcessTicks {
  role: string;
  /** utime + stime of the process, and of each thread by its name. */
  ticks: number;
  threads: Map<string, number>;
}

export type CpuReading = { at: number; processes: Map<number, ProcessTicks> };

function readStat(file: string): { ppid: number; ticks: number; comm: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces or parentheses itself.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // After the name: state(0) ppid(1) ... utime(11) stime(12).
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), comm };
}

/** What a process is, from its command line: Chromium's process type, or code-server's part. */
function roleOf(pid: number): string {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return 'gone';
  }
  const line = argv.join(' ');
  const type = /--type=([\w-]+)/.exec(line)?.[1];
  if (/chrom/i.test(argv[0] ?? '')) {
    if (!type) return 'chromium browser';
    if (type === 'utility') return `chromium utility (${/--utility-sub-type=([\w.]+)/.exec(line)?.[1]?.split('.').pop() ?? '?'})`;
    return `chromium ${type}`;
  }
  if (/extensionHost/.test(line)) return 'extension host';
  if (/fileWatcher|watcherService/.test(line)) return 'file watcher';
  if (/ptyHost/.test(line)) return 'pty host';
  if (/server-main|code-server/.test(line)) return 'code-server';
  return argv[0]?.split('/').pop() || 'other';
}

/** The descendants of `root` now, with their CPU ticks (and their threads'). */
export function readCpu(root = process.pid): CpuReading {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(`/proc/${pid}/stat`);
    if (stat) parent.set(pid, stat.ppid);
  }
  const isDescendant = (pid: number): boolean => {
    for (let at = parent.get(pid), hops = 0; at !== undefined && hops < 64; at = parent.get(at), hops++)
      if (at === root) return true;
    return false;
  };
  const processes = new Map<number, ProcessTicks>();
  for (const pid of parent.keys()) {
    if (!isDescendant(pid)) continue;
    const stat = readStat(`/proc/${pid}/stat`);
    if (!stat) continue;
    const threads = new Map<string, number>();
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      // gone meanwhile
    }
    for (const tid of tasks) {
      const thread = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (!thread) continue;
      // Pools of like threads (ThreadPoolForegr, CompositorTileW) are counted together.
      const name = thread.comm.replace(/\d+$/, '');
      threads.set(name, (threads.get(name) ?? 0) + thread.ticks);
    }
    processes.set(pid, { role: roleOf(pid), ticks: stat.ticks, threads });
  }
  return { at: performance.now(), processes };
}

export interface CpuShare {
  role: string;
  /** Cores used over the span (1 = one core all the time). */
  cores: number;
  threads: { name: string; cores: number }[];
}

/** The cores each role used between two readings (processes born meanwhile count from zero). */
export function cpuShare(before: CpuReading, after: CpuReading): CpuShare[] {
  const seconds = (after.at - before.at) / 1000;
  const hz = clockTicks;
  const byRole = new Map<string, { ticks: number; threads: Map<string, number> }>();
  for (const [pid, now] of after.processes) {
    const then = before.processes.get(pid);
    const entry = byRole.get(now.role) ?? { ticks: 0, threads: new Map<string, number>() };
    entry.ticks += now.ticks - (then?.ticks ?? 0);
    for (const [name, ticks] of now.threads)
      entry.threads.set(name, (entry.threads.get(name) ?? 0) + ticks - (then?.threads.get(name) ?? 0));
    byRole.set(now.role, entry);
  }
  return [...byRole]
    .map(([role, { ticks, threads }]) => ({
      role,
      cores: ticks / hz / seconds,
      threads: [...threads]
        .map(([name, t]) => ({ name, cores: t / hz / seconds }))
        .filter((t) => t.cores >= 0.01)
        .sort((a, b) => b.cores - a.cores),
    }))
    .sort((a, b) => b.cores - a.cores);
}

/** One line per role using at least 0.01 of a core, with its busiest threads. */
export function formatCpuShare(shares: CpuShare[]): string[] {
  return shares
    .filter((s) => s.cores >= 0.01)
    .map(
      (s) =>
        `${s.role} ${s.cores.toFixed(2)}` +
        (s.threads.length > 0
          ? ` (${s.threads
              .slice(0, 5)
              .map((t) => `${t.name} ${t.cores.toFixed(2)}`)
              .join(', ')})`
          : ''),
    );
}
