// The alerts (charts/spaceport/files/alerts/spaceport-rules.yaml) and the Grafana dashboard
// (charts/spaceport/files/dashboards/spaceport.json): promtool checks and unit-tests the rules,
// and every metric either of them names is one a real `spaceport run` serves on /metrics; every metric
// it serves is on a dashboard panel (spaceport_*) and in docs/controller.md's metric table.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chartDir, here, yaml } from "./lib/helm.mjs";
import { promqlMetricNames, servedMetricNames } from "./lib/spaceport.mjs";

const rulesFile = join(chartDir, "files", "alerts", "spaceport-rules.yaml");
const rulesTests = join(here, "alerts.test.yaml");
const dashboardFile = join(chartDir, "files", "dashboards", "spaceport.json");
const rules = yaml.load(readFileSync(rulesFile, "utf8"));
const alerts = rules.groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(dashboardFile, "utf8"));

function promtool(args) {
  const r = spawnSync("promtool", args, { encoding: "utf8" });
  if (r.error?.code === "ENOENT") {
    throw new Error("promtool is not installed: it comes with Debian's prometheus package (run scripts/setup)");
  }
  return r;
}

function dashboardTargets(panels = dashboard.panels) {
  return panels.flatMap((p) => [...(p.targets || []).map((t) => ({ panel: p.title, expr: t.expr })),
                                 ...dashboardTargets(p.panels || [])]);
}

describe("alert rules", () => {
  test("promtool check rules accepts the file", () => {
    const r = promtool(["check", "rules", rulesFile]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`SUCCESS: ${alerts.length} rules found`));
  });

  test("promtool test rules passes the unit tests", () => {
    const r = promtool(["test", "rules", rulesTests]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });

  test("the unit tests would fail on a broken alert (a threshold changed)", () => {
    const broken = readFileSync(rulesFile, "utf8").replace("for: 15m", "for: 45m");
    const dir = mkdtempSync(join(tmpdir(), "spaceport-rules-"));
    mkdirSync(join(dir, "charts", "spaceport", "files", "alerts"), { recursive: true });
    mkdirSync(join(dir, "tests", "chart"), { recursive: true });
    writeFileSync(join(dir, "charts", "spaceport", "files", "alerts", "spaceport-rules.yaml"), broken);
    writeFileSync(join(dir, "tests", "chart", "alerts.test.yaml"), readFileSync(rulesTests, "utf8"));
    const r = promtool(["test", "rules", join(dir, "tests", "chart", "alerts.test.yaml")]);
    assert.notEqual(r.status, 0, "promtool test rules passed a rule whose `for` changed");
    assert.match(r.stdout + r.stderr, /SpaceportDeploymentNotReady/);
  });

  test("every alert has a unit test that expects it to fire and one moment where it does not", () => {
    const tests = yaml.load(readFileSync(rulesTests, "utf8")).tests.flatMap((t) => t.alert_rule_test || []);
    for (const a of alerts) {
      const mine = tests.filter((t) => t.alertname === a.alert);
      assert.ok(mine.some((t) => (t.exp_alerts || []).length > 0), `${a.alert}: no test expects it to fire`);
      assert.ok(mine.some((t) => (t.exp_alerts || []).length === 0), `${a.alert}: no test expects it quiet`);
    }
  });

  test("the alerts the issue asks for are there, each with a severity, summary and description", () => {
    const byName = Object.fromEntries(alerts.map((a) => [a.alert, a]));
    const wanted = {
      SpaceportDeploymentNotReady: /spaceport_deployment_ready/,
      SpaceportDriftNotCorrected: /spaceport_drift/,
      SpaceportHubBudgetNearlySpent: /spaceport_ratelimit_remaining/,
      SpaceportApiRateLimited: /spaceport_api_requests_total\{code="429"\}/,
      SpaceportReconcileErrorsRising: /controller_runtime_reconcile_errors_total/,
      SpaceportNoLeader: /leader_election_master_status/,
    };
    for (const [name, expr] of Object.entries(wanted)) {
      assert.ok(byName[name], `${name} missing`);
      assert.match(byName[name].expr, expr);
    }
    assert.equal(byName.SpaceportDeploymentNotReady.for, "15m");
    for (const a of alerts) {
      assert.match(a.labels?.severity ?? "", /^(info|warning|critical)$/, a.alert);
      assert.ok(a.annotations?.summary && a.annotations?.description, a.alert);
    }
  });
});

describe("the dashboard", () => {
  test("is a Grafana dashboard with a Prometheus data source variable and unique panel ids", () => {
    assert.equal(dashboard.uid, "spaceport-controller");
    assert.ok(dashboard.templating.list.some((v) => v.type === "datasource" && v.query === "prometheus"));
    const ids = [];
    const walk = (ps) => ps.forEach((p) => { ids.push(p.id); walk(p.panels || []); });
    walk(dashboard.panels);
    assert.equal(new Set(ids).size, ids.length);
    const targets = dashboardTargets();
    assert.ok(targets.length >= 20, `${targets.length} queries`);
    for (const t of targets) assert.ok(t.expr, `${t.panel}: a query without expr`);
  });
});

describe("metric names", () => {
  let served;
  before(async () => { served = await servedMetricNames(); });

  test("the extractor finds names and only names", () => {
    assert.deepEqual([...promqlMetricNames(
      'sum by (host, code) (rate(spaceport_api_requests_total{code="429",host=~"a.b"}[5m])) / on (host) group_left ' +
      'max_over_time(spaceport_ratelimit_remaining[$__rate_interval] offset 5m) > 0.1 unless absent(up) and 1e3')].sort(),
      ["spaceport_api_requests_total", "spaceport_ratelimit_remaining", "up"]);
  });

  test("a real controller serves the metrics docs/controller.md lists (sanity of the scrape)", () => {
    for (const n of ["controller_runtime_reconcile_total", "controller_runtime_reconcile_time_seconds_bucket",
                     "workqueue_depth", "spaceport_drift", "spaceport_deployment_ready", "leader_election_master_status"]) {
      assert.ok(served.names.has(n), `${n} not in /metrics:\n${served.text}`);
    }
  });

  test("every metric the alerts use is served by the controller", () => {
    for (const a of alerts) {
      const names = promqlMetricNames(a.expr);
      assert.ok(names.size > 0, `${a.alert}: no metric found in ${a.expr}`);
      for (const n of names) assert.ok(served.names.has(n), `${a.alert} uses ${n}, which /metrics does not serve`);
    }
  });

  test("every metric the dashboard uses is served by the controller", () => {
    const used = new Set();
    for (const t of dashboardTargets()) {
      const names = promqlMetricNames(t.expr);
      assert.ok(names.size > 0, `${t.panel}: no metric found in ${t.expr}`);
      for (const n of names) {
        assert.ok(served.names.has(n), `panel "${t.panel}" uses ${n}, which /metrics does not serve`);
        used.add(n);
      }
    }
    // Every Spaceport-specific metric is on the dashboard somewhere.
    for (const n of served.names) {
      if (n.startsWith("spaceport_")) assert.ok(used.has(n), `${n} is served but on no dashboard panel`);
    }
  });

  test("every metric the controller serves is in docs/controller.md's metric table", () => {
    const doc = readFileSync(join(here, "..", "..", "docs", "controller.md"), "utf8");
    const table = doc.slice(doc.indexOf("## Metrics"), doc.indexOf("\n## ", doc.indexOf("## Metrics") + 1));
    assert.ok(table.length > 0, "docs/controller.md has no Metrics section");
    const documented = new Set([...table.matchAll(/^\|(.*)$/gm)].flatMap((row) =>
      [...row[1].split("|")[0].matchAll(/`([a-zA-Z_:][a-zA-Z0-9_:]*)`/g)].map((m) => m[1])));
    for (const m of served.text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) \w+$/gm)) {
      assert.ok(documented.has(m[1]), `${m[1]} is served but not in docs/controller.md's metric table`);
    }
  });

  test("a misspelt metric would be caught", () => {
    const names = promqlMetricNames("max by (deployment) (spaceport_deployments_ready) == 0");
    assert.ok([...names].some((n) => !served.names.has(n)));
  });
});
