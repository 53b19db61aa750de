// Runs node test files JOBS at a time (DJ_TEST_JOBS, default 2) and prints TAP, as
// `node --test --test-reporter=tap FILES` does, which on Node 18 runs one file at a time
// on two cores (availableParallelism - 1). The API tests wait on a server and a database
// most of the time, so two files at once use the machine instead of half of it. Each
// file still runs in its own process with its own server, port and database.
//   node tests/lib/run-files.mjs FILES...
import { run } from 'node:test';
import { tap } from 'node:test/reporters';

const files = process.argv.slice(2);
const jobs = Math.max(1, Number(process.env.DJ_TEST_JOBS || 2));
const stream = run({ files, concurrency: jobs });
stream.on('test:fail', () => { process.exitCode = 1; });
stream.compose(tap).pipe(process.stdout);
