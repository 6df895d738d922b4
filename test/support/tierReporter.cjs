// Mocha's spec reporter plus one machine-readable line at the end, which scripts/test-all.mjs
// adds up over every test tier (CI reads only the final `N passed, N failed`).
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class TierReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? this.stats;
      process.stdout.write(`TIER-RESULT passed=${passes} failed=${failures} skipped=${pending}\n`);
    });
  }
}
module.exports = TierReporter;
