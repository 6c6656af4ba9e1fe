// Preloaded (`node --require`) where /usr/bin/time is missing: writes the process's resource usage
// (CPU time, peak RSS) to $OTEL_BENCH_RUSAGE when it exits.
'use strict';
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  if (process.env.OTEL_BENCH_RUSAGE) writeFileSync(process.env.OTEL_BENCH_RUSAGE, JSON.stringify(process.resourceUsage()));
});
