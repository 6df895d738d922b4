// The extension-tests entry point (`extensionTestsPath`): VS Code's extension host loads this
// module and awaits `run()`. It runs every bundled `*.test.js` beside it with mocha, logs mocha's
// spec output through the console (which the host forwards to the workbench and so to the runner)
// and one counts line the code-server runner turns into the tier's TIER-RESULT.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Marks the suite's own output among everything else the extension host logs. */
const outputMarker = '[lmm-test] ';

export function run(): Promise<void> {
  // The reporters print through Base.consoleLog; one formatted string per line survives the trip
  // through the workbench's log forwarding intact.
  Mocha.reporters.Base.useColors = false;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(outputMarker + format(...args));
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  const grep = process.env.LMM_INTEGRATION_GREP;
  if (grep) mocha.grep(grep);
  const tests = readdirSync(__dirname).filter((file) => file.endsWith('.test.js'));
  for (const file of tests.sort()) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { passes, pending } = runner.stats ?? { passes: 0, pending: 0 };
        console.log(`${outputMarker}LMM-INTEGRATION-COUNTS passed=${passes} failed=${failures} skipped=${pending}`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else if (tests.length === 0 || passes === 0) reject(new Error(`no integration test ran (in ${__dirname})`));
        else resolve();
      });
    } catch (error) {
      // A test file that throws while loading stops mocha before any test: say which and why.
      console.log(`${outputMarker}could not load the integration tests: ${error instanceof Error ? error.stack : String(error)}`);
      console.log(`${outputMarker}LMM-INTEGRATION-COUNTS passed=0 failed=1 skipped=0`);
      reject(error);
    }
  });
}
