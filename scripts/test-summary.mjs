// Prints "N passed, N failed" from vitest's JSON report; a failed typecheck or
// lint step counts as one failure each. Exits 1 when anything failed or no
// test ran.
import { readFileSync } from 'node:fs';

const [file, failedSteps = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps);
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests;
  failed += report.numFailedTests;
  // A test file that fails to load has no test results, only a failed suite.
  failed += report.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length;
} catch (error) {
  console.error(`test summary: cannot read ${file}: ${error.message}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
