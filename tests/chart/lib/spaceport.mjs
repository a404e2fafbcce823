// The real spaceport binary (SPACEPORT_BIN, set by run.sh from its argument), started on an empty
// desired-state directory with a loopback listener, for what only the controller itself can say:
// which metrics /metrics serves, and whether it accepts the arguments and the config the chart
// renders.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo } from "./helm.mjs";

export function spaceportBinary() {
  const bin = process.env.SPACEPORT_BIN || join(repo, "build", "controller", "spaceport");
  if (!existsSync(bin)) {
    throw new Error(`${bin} does not exist: build the spaceport target (scripts/setup) or pass its path to tests/chart/run.sh`);
  }
  return bin;
}

// Starts `spaceport run ARGS` with ENV (added to a minimal environment); resolves once it logs
// `listening on URL` with {url, stop(), log()}; rejects when it exits first or after 15 s.
export function startController(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(spaceportBinary(), ["run", ...args], {
      env: { PATH: process.env.PATH, HOME: env.HOME || tmpdir(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let settled = false;
    const log = () => out;
    const stop = () => new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
      child.once("exit", (code) => done(code));
      child.kill("SIGTERM");
    });
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill("SIGKILL");
      reject(new Error(`spaceport run did not start listening within 15 s:\n${out}`));
    }, 15000);
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ url: m[1], stop, log, child });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`spaceport run exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}

// Metric names /metrics of a real controller declares (its `# TYPE` lines), with the
// _bucket/_sum/_count series of histograms (and _sum/_count of summaries).
export async function servedMetricNames() {
  const dir = mkdtempSync(join(tmpdir(), "spaceport-metrics-"));
  mkdirSync(join(dir, "desired"));
  const c = await startController([join(dir, "desired"), "--state-dir", join(dir, "state"), "--listen", "127.0.0.1:0"],
                                  { HOME: dir });
  try {
    const res = await fetch(`${c.url}/metrics`);
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    const text = await res.text();
    const names = new Set();
    for (const m of text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/gm)) {
      names.add(m[1]);
      if (m[2] === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(m[1] + s);
      if (m[2] === "summary") for (const s of ["_sum", "_count"]) names.add(m[1] + s);
    }
    return { names, text };
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                          "unless", "offset", "inf", "nan", "atan2"]);

// Metric names a PromQL expression selects. Strings, label matchers `{...}`, ranges `[...]`,
// grouping label lists and numbers are removed; identifiers called as functions are dropped.
export function promqlMetricNames(expr) {
  let e = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  e = e.replace(/\{[^}]*\}/g, " ").replace(/\[[^\]]*\]/g, " ");
  e = e.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  e = e.replace(/\$\w+/g, " ");
  const names = new Set();
  for (const m of e.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)) {
    if (m[2]) continue;  // a function or aggregation
    if (KEYWORDS.has(m[1].toLowerCase())) continue;
    names.add(m[1]);
  }
  return names;
}
