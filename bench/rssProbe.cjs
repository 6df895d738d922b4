// Preloaded into a benchmarked child process: reports its peak resident set size at exit.
'use strict';
process.on('exit', () => process.stderr.write(`max-rss-kib=${process.resourceUsage().maxRSS}\n`));
