// Preloaded into a benchmarked child process: reports its peak resident set size at exit.
// On Linux that is VmHWM, the peak of this process's own memory: getrusage's maxRSS also counts
// the memory of the process it was forked from (the kernel carries the parent's high-water mark
// across fork and exec), so a child of the benchmark, which holds the parsed traces, would report
// the benchmark's size instead of its own.
'use strict';
process.on('exit', () => {
  let kib = process.resourceUsage().maxRSS;
  try {
    const hwm = /VmHWM:\s*(\d+) kB/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'));
    if (hwm) kib = Number(hwm[1]);
  } catch {
    // No /proc (macOS, Windows): maxRSS it is.
  }
  process.stderr.write(`max-rss-kib=${kib}\n`);
});
