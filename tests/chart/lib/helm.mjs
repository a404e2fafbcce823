// Runs the real helm binary (tests/chart/helm.sh puts it in the cache) on charts/spaceport, with
// HOME and the XDG directories in a private temporary directory, and parses what it renders.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";

export const here = dirname(dirname(fileURLToPath(import.meta.url)));  // tests/chart
export const repo = resolve(here, "..", "..");
export const chartDir = join(repo, "charts", "spaceport");
export const ciDir = join(chartDir, "ci");

let helmPath = process.env.HELM;
export function helmBinary() {
  if (!helmPath) {
    helmPath = execFileSync("bash", [join(here, "helm.sh")], { encoding: "utf8" }).trim().split("\n").pop();
  }
  return helmPath;
}

let home;
function helmEnv() {
  if (!home) home = mkdtempSync(join(tmpdir(), "spaceport-helm-home-"));
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CACHE_HOME: join(home, "cache"),
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_DATA_HOME: join(home, "data"),
    HELM_CACHE_HOME: join(home, "cache", "helm"),
    HELM_CONFIG_HOME: join(home, "config", "helm"),
    HELM_DATA_HOME: join(home, "data", "helm"),
    KUBECONFIG: join(home, "no-kubeconfig"),
  };
}

// Runs helm ARGS; returns {status, stdout, stderr}.
export function helm(args, options = {}) {
  const r = spawnSync(helmBinary(), args, { encoding: "utf8", env: helmEnv(), cwd: repo, ...options });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const releaseName = "spaceport";
export const releaseNamespace = "spaceport-system";

// `helm template` of the chart: {status, stdout, stderr, docs}. docs: [{source, object}] in order.
export function template({ values = [], set = [], kubeVersion = "1.32.0", apiVersions = [], includeCrds = false,
                           name = releaseName, namespace = releaseNamespace } = {}) {
  const args = ["template", name, chartDir, "--namespace", namespace, "--kube-version", kubeVersion];
  for (const f of values) args.push("--values", f);
  for (const s of set) args.push("--set", s);
  for (const a of apiVersions) args.push("--api-versions", a);
  if (includeCrds) args.push("--include-crds");
  const r = helm(args);
  return { ...r, docs: r.status === 0 ? splitDocs(r.stdout) : [] };
}

// Splits helm's output into documents, keeping the `# Source:` file of each.
export function splitDocs(text) {
  const docs = [];
  for (const chunk of text.split(/^---\s*$/m)) {
    const m = chunk.match(/^# Source: (.+)$/m);
    const object = yaml.load(chunk);
    if (object == null) continue;
    docs.push({ source: m ? m[1].trim() : "", object, text: chunk });
  }
  return docs;
}

export function ciValueFiles() {
  return readdirSync(ciDir).filter((f) => f.endsWith(".yaml")).sort().map((f) => join(ciDir, f));
}

export function readYaml(path) {
  return yaml.load(readFileSync(path, "utf8"));
}

export function find(docs, kind, name) {
  return docs.map((d) => d.object).filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

export { yaml };
