// Time to first render of the fleet with N deployments (default 1,000), in Chromium:
//   node bench.mjs 1000        (run by tests/console/run.sh when SPACEPORT_CONSOLE_BENCH=N)
// Starts its own Hub emulator (a budget large enough for N deployments) and its own controller on
// N generated deployments (their image tag is missing, so each pass is two requests and ends
// Stalled ImageMissing), waits until every one was reconciled once, then loads the page five
// times with the cache off and prints the median time from navigation to the rendered table and
// the bytes transferred.

import {spawn} from 'node:child_process';
import {mkdirSync, openSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {env, launchBrowser, measureFleetLoad, waitFor} from './harness.mjs';

const n = Number(process.argv[2] || 1000);
const dir = join(env.world, 'bench');
mkdirSync(join(dir, 'desired'), {recursive: true});
const docs = [];
for (let i = 0; i < n; ++i) {
  docs.push(`apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: app-${i}, namespace: team-${i % 10}}
spec:
  image: {repository: ghcr.io/acme/bench-app, version: v0.0.${i}}
  spaces: [{id: lab/bench-${i}, hardware: cpu-basic, variables: {INDEX: "${i}"}}]
  interval: 1h
`);
}
writeFileSync(join(dir, 'desired', 'fleet.yaml'), docs.join('---\n'));

const children = [];
function start(bin, args, log, extraEnv = {}) {
  const child = spawn(bin, args, {env: {...process.env, ...extraEnv},
    stdio: ['ignore', openSync(join(dir, log), 'w'), openSync(join(dir, `${log}.err`), 'w')]});
  children.push(child);
  return child;
}
process.on('exit', () => { for (const c of children) if (c.exitCode === null) c.kill('SIGTERM'); });

try {
  const hubPort = 20000 + Math.floor(Math.random() * 20000);
  start(process.env.HUB_EMULATOR, ['--port', String(hubPort), '--token', 'hf_bench:bench:lab', '--budget', '1000000',
    '--registry-map', `ghcr.io=${process.env.REGISTRY}`], 'hub.log');
  const hub = `http://127.0.0.1:${hubPort}`;
  await waitFor('the bench Hub emulator', async () => (await fetch(`${hub}/api/whoami-v2`)).status === 401);
  writeFileSync(join(dir, 'config.yaml'), `apiVersion: spaceport.dev/v1alpha1
kind: ControllerConfig
registries:
  - {host: ghcr.io, endpoint: "${process.env.REGISTRY}", insecure: true, rateLimit: {requestsPerSecond: 10000, burst: 10000}}
hub: {endpoint: "${hub}", insecure: true, tokenFromEnv: BENCH_HF_TOKEN, budget: {requests: 1000000, windowSeconds: 300}}
stateDir: ${join(dir, 'state')}
`);
  const port = 40000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  start(env.spaceport, ['run', join(dir, 'desired'), '--config', join(dir, 'config.yaml'),
    '--listen', `127.0.0.1:${port}`, '--concurrency', '8'], 'run.log', {BENCH_HF_TOKEN: 'hf_bench'});
  const started = Date.now();
  await waitFor(`${n} deployments reconciled once`, async () => (await fetch(`${base}/readyz`)).ok, {timeoutMs: 600000, intervalMs: 500});
  console.log(`bench: ${n} deployments reconciled once in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const browser = await launchBrowser();
  const times = [];
  let bytes = 0;
  for (let round = 0; round < 5; ++round) {
    const load = await measureFleetLoad(browser, base);
    if (load.rows !== n) throw new Error(`${load.rows} rows, expected ${n}`);
    times.push(load.firstRenderMs);
    bytes = load.bytes;
  }
  await browser.close();
  times.sort((a, b) => a - b);
  console.log(`bench: fleet of ${n}: first render ${times.map((t) => t.toFixed(0)).join(', ')} ms (median ${times[2].toFixed(0)} ms); ` +
    `${bytes} bytes transferred`);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
