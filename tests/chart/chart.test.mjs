// charts/spaceport with the real helm (v3.17.2): lint, rendering of every values example for
// Kubernetes 1.20 and 1.32, the schema's refusals, the rendered built-in kinds against their
// schemas (kubernetes-models), the Pod Security Standards "restricted" profile, RBAC equal to the
// documented verbs, the controller flags, credentials only from Secrets, and the capability-gated
// monitoring objects.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import {
  chartDir, ciDir, ciValueFiles, find, helm, releaseNamespace, repo, splitDocs, template, yaml,
} from "./lib/helm.mjs";
import { restrictedViolations } from "./lib/pss.mjs";
import { validateObject } from "./lib/models.mjs";
import { startController } from "./lib/spaceport.mjs";

const MONITORING = ["monitoring.coreos.com/v1"];
const ci = (name) => join(ciDir, name);

// Kinds each values example renders (with the monitoring API present), CRD included.
const EXPECTED_KINDS = {
  "default-values.yaml": ["ClusterRole", "ClusterRoleBinding", "ConfigMap", "CustomResourceDefinition",
    "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"],
  "multi-namespace-values.yaml": ["ConfigMap", "CustomResourceDefinition", "Deployment", "Ingress",
    "NetworkPolicy", "PodDisruptionBudget", "Role", "Role", "Role", "RoleBinding", "RoleBinding", "RoleBinding",
    "Service", "ServiceAccount"],
  "all-namespaces-monitoring-values.yaml": ["ClusterRole", "ClusterRoleBinding", "ConfigMap", "ConfigMap",
    "CustomResourceDefinition", "Deployment", "PrometheusRule", "Role", "RoleBinding", "Service", "ServiceAccount",
    "ServiceMonitor"],
};

function renderOk(opts) {
  const r = template(opts);
  assert.equal(r.status, 0, `helm template ${JSON.stringify(opts)} failed:\n${r.stderr}`);
  return r.docs;
}
const objects = (docs) => docs.map((d) => d.object);
const deployment = (docs) => {
  const ds = find(docs, "Deployment");
  assert.equal(ds.length, 1);
  return ds[0];
};
const container = (docs) => deployment(docs).spec.template.spec.containers[0];

describe("Chart.yaml", () => {
  const chart = yaml.load(readFileSync(join(chartDir, "Chart.yaml"), "utf8"));
  test("is a Helm 3 chart for Kubernetes 1.20 and later", () => {
    assert.equal(chart.apiVersion, "v2");
    assert.equal(chart.kubeVersion, ">=1.20.0-0");
    assert.equal(chart.type, "application");
  });
  test("appVersion is the controller version of the top CMakeLists.txt", () => {
    const cmake = readFileSync(join(repo, "CMakeLists.txt"), "utf8");
    const m = cmake.match(/project\(spaceport VERSION ([0-9.]+)/);
    assert.ok(m, "project(spaceport VERSION x.y.z) not found in CMakeLists.txt");
    assert.equal(chart.appVersion, m[1]);
  });
});

describe("helm lint --strict", () => {
  for (const file of [null, ...ciValueFiles()]) {
    test(file ? `passes with ${basename(file)}` : "passes with the defaults", () => {
      const r = helm(["lint", "--strict", chartDir, ...(file ? ["--values", file] : [])]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe("helm template of each values example", () => {
  for (const file of ciValueFiles()) {
    for (const kubeVersion of ["1.20.0", "1.32.0"]) {
      test(`${basename(file)} on Kubernetes ${kubeVersion}: the expected objects, each valid`, () => {
        const docs = renderOk({ values: [file], kubeVersion, apiVersions: MONITORING, includeCrds: true });
        const kinds = objects(docs).map((o) => o.kind).sort();
        assert.deepEqual(kinds, EXPECTED_KINDS[basename(file)], `kinds rendered by ${basename(file)}`);
        for (const o of objects(docs)) {
          const problems = validateObject(o);
          assert.deepEqual(problems, [], `${o.kind}/${o.metadata?.name}: ${problems.join("; ")}`);
        }
        console.log(`  ${basename(file)} (Kubernetes ${kubeVersion}): ${docs.length} objects: ${kinds.join(", ")}`);
      });
    }
  }

  test("Kubernetes 1.19 is refused by kubeVersion", () => {
    const r = template({ kubeVersion: "1.19.0" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /chart requires kubeVersion: >=1\.20\.0-0 which is incompatible with Kubernetes v1\.19\.0/);
  });

  test("every object of the release is in the release namespace, or cluster-scoped", () => {
    for (const file of ciValueFiles()) {
      for (const o of objects(renderOk({ values: [file], apiVersions: MONITORING }))) {
        if (["ClusterRole", "ClusterRoleBinding"].includes(o.kind)) assert.equal(o.metadata.namespace, undefined);
        else if (["Role", "RoleBinding"].includes(o.kind)) assert.ok(o.metadata.namespace, `${o.kind}/${o.metadata.name}`);
        else assert.equal(o.metadata.namespace, releaseNamespace, `${o.kind}/${o.metadata.name}`);
      }
    }
  });
});

describe("values.schema.json", () => {
  // [--set, what the message must say]
  const refused = [
    ["replicas=0", /replicas: Must be greater than or equal to 1/],
    ["replicas=two", /replicas: Invalid type\. Expected: integer, given: string/],
    ["replica=2", /\(root\): Additional property replica is not allowed/],
    ["watch.namespaces[0]=Team_A", /watch\.namespaces\.0: Does not match pattern/],
    ["watch.namespaces=team-a", /watch\.namespaces: Invalid type\. Expected: array, given: string/],
    ["controller.backoffMax=soon", /controller\.backoffMax: Does not match pattern/],
    ["controller.concurrency=0", /controller\.concurrency: Must be greater than or equal to 1/],
    ["leaderElection.enabled=yes-please", /leaderElection\.enabled: Invalid type\. Expected: boolean, given: string/],
    ["config.registries[0].host=ghcr.io,config.registries[0].credentials.username=bot",
      /config\.registries\.0: Additional property credentials is not allowed/],
    ["config.hub.tokenFromEnv=HF_TOKEN", /config\.hub: Additional property tokenFromEnv is not allowed/],
    ["hub.token=hf_abcdefghijklmnopqrstuvwxyz", /hub: Additional property token is not allowed/],
    ["notifications.format=teams", /notifications\.format: notifications\.format must be one of the following: "json", "slack"/],
    ["image.pullPolicy=Sometimes", /image\.pullPolicy must be one of the following/],
    ["image.digest=sha256:abc", /image\.digest: Does not match pattern/],
    ["controller.extraArgs[0]=run", /controller\.extraArgs\.0: Does not match pattern '\^--'/],
    ["service.type=ExternalName", /service\.type: service\.type must be one of the following/],
  ];
  for (const [set, message] of refused) {
    test(`refuses ${set}`, () => {
      const r = template({ set: [set] });
      assert.notEqual(r.status, 0, `helm accepted --set ${set}`);
      assert.match(r.stderr, /values don't meet the specifications of the schema/);
      assert.match(r.stderr, message);
    });
  }

  test("several replicas without a fingerprint key Secret are refused, naming the value and why", () => {
    const r = template({ set: ["replicas=2"] });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /fingerprintKey\.existingSecret is required when replicas > 1/);
    assert.match(r.stderr, /docs\/kubernetes-mode\.md/);
  });
});

describe("the Deployment", () => {
  test("runs `spaceport run --kube` on all namespaces with leader election by default", () => {
    const docs = renderOk({});
    const c = container(docs);
    assert.deepEqual(c.args.slice(0, 2), ["run", "--kube"]);
    assert.ok(c.args.includes("--listen=0.0.0.0:8080"));
    assert.ok(c.args.includes("--config=/etc/spaceport/config/config.yaml"));
    assert.ok(c.args.includes("--state-dir=/var/lib/spaceport"));
    assert.ok(c.args.includes("--leader-elect"));
    assert.ok(c.args.includes("--leader-election-namespace=$(POD_NAMESPACE)"));
    const podNs = c.env.find((e) => e.name === "POD_NAMESPACE");
    assert.deepEqual(podNs.valueFrom, { fieldRef: { fieldPath: "metadata.namespace" } },
                     "the Lease namespace is the pod's, i.e. the release namespace");
    assert.ok(!c.args.some((a) => a.startsWith("--namespace")), "no --namespace: all namespaces");
    assert.ok(!c.args.some((a) => a.startsWith("--watch-label-selector")));
    assert.equal(deployment(docs).spec.replicas, 1);
    assert.equal(deployment(docs).spec.strategy.type, "RollingUpdate");
  });

  test("passes one --namespace per watched namespace, the selector, concurrency and the apiserver budget", () => {
    const c = container(renderOk({ values: [ci("multi-namespace-values.yaml")] }));
    assert.deepEqual(c.args.filter((a) => a.startsWith("--namespace")), ["--namespace=team-a", "--namespace=team-b"]);
    assert.ok(c.args.includes("--watch-label-selector=spaceport.dev/shard=blue"));
    assert.ok(c.args.includes("--concurrency=8"));
    assert.ok(c.args.includes("--kube-api-qps=50"));
    assert.ok(c.args.includes("--kube-api-burst=100"));
    assert.ok(c.args.includes("--settings-resync-interval=30m"));
    const defaults = container(renderOk({}));
    assert.ok(!defaults.args.some((a) => a.startsWith("--settings-resync-interval")), defaults.args.join(" "));
    const set = container(renderOk({ set: ["watch.labelSelector=tier in (a\\, b)\\,team: x #1"] }));
    assert.ok(set.args.includes("--watch-label-selector=tier in (a, b),team: x #1"), set.args.join(" "));
  });

  test("leader election is forced on with several replicas, and off on request with one (then Recreate)", () => {
    const many = renderOk({ set: ["replicas=3", "leaderElection.enabled=false", "fingerprintKey.existingSecret=fp"] });
    assert.ok(container(many).args.includes("--leader-elect"));
    assert.equal(deployment(many).spec.replicas, 3);
    const one = renderOk({ set: ["leaderElection.enabled=false"] });
    assert.ok(!container(one).args.some((a) => a.startsWith("--leader-elect")));
    assert.equal(deployment(one).spec.strategy.type, "Recreate", "two controllers must never run at once");
    assert.equal(find(one, "Role").length, 0, "no Lease Role without leader election");
  });

  test("probes /healthz and /readyz on the --listen port", () => {
    const c = container(renderOk({ set: ["controller.port=9090"] }));
    assert.ok(c.args.includes("--listen=0.0.0.0:9090"));
    assert.deepEqual(c.ports, [{ name: "http", containerPort: 9090, protocol: "TCP" }]);
    assert.equal(c.livenessProbe.httpGet.path, "/healthz");
    assert.equal(c.livenessProbe.httpGet.port, "http");
    assert.equal(c.readinessProbe.httpGet.path, "/readyz");
    assert.equal(c.readinessProbe.httpGet.port, "http");
  });

  test("the state directory and /tmp are emptyDirs; the root filesystem is read-only", () => {
    const docs = renderOk({});
    const pod = deployment(docs).spec.template.spec;
    const c = pod.containers[0];
    const mount = (p) => c.volumeMounts.find((m) => m.mountPath === p);
    const volume = (n) => pod.volumes.find((v) => v.name === n);
    assert.ok(volume(mount("/var/lib/spaceport").name).emptyDir);
    assert.ok(volume(mount("/tmp").name).emptyDir);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(volume(mount("/etc/spaceport/config").name).configMap.name, find(docs, "ConfigMap")[0].metadata.name);
  });

  test("the pod template changes when the config does (checksum annotation)", () => {
    const a = deployment(renderOk({})).spec.template.metadata.annotations["checksum/config"];
    const b = deployment(renderOk({ set: ["config.hub.budget.requests=500"] })).spec.template.metadata.annotations["checksum/config"];
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, b);
  });

  test("the real controller accepts the rendered arguments and config of every values example", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spaceport-chart-args-"));
    // An apiserver nobody listens on: the controller starts, serves, and waits for it.
    writeFileSync(join(dir, "kubeconfig"), yaml.dump({
      apiVersion: "v1", kind: "Config", "current-context": "c",
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:9" } }],
      users: [{ name: "u", user: { token: "t" } }],
      contexts: [{ name: "c", context: { cluster: "c", user: "u", namespace: "default" } }],
    }));
    for (const file of ciValueFiles()) {
      const docs = renderOk({ values: [file], apiVersions: MONITORING });
      const cm = find(docs, "ConfigMap").find((o) => o.data["config.yaml"]);
      writeFileSync(join(dir, "config.yaml"), cm.data["config.yaml"]);
      const c = container(docs);
      const env = { POD_NAMESPACE: releaseNamespace, HOME: dir };
      for (const e of c.env) env[e.name] ??= e.value ?? `dummy-${e.name.toLowerCase()}`;
      env.SPACEPORT_NOTIFY_URL = "http://127.0.0.1:9/notify";
      const args = c.args.slice(1).map((a) => a
        .replace(/^--listen=.*/, "--listen=127.0.0.1:0")
        .replace(/^--config=.*/, `--config=${join(dir, "config.yaml")}`)
        .replace(/^--state-dir=.*/, `--state-dir=${join(dir, "state-" + basename(file))}`)
        .replace(/\$\((\w+)\)/g, (_, v) => env[v]));
      args.push("--kubeconfig", join(dir, "kubeconfig"));
      const controller = await startController(args, env);
      const code = await controller.stop();
      assert.equal(code, 0, `${basename(file)}: spaceport run ${args.join(" ")}\n${controller.log()}`);
    }
  });
});

describe("Pod Security Standards: restricted", () => {
  for (const file of ciValueFiles()) {
    test(`the pod of ${basename(file)} meets every control`, () => {
      const pod = deployment(renderOk({ values: [file], apiVersions: MONITORING })).spec.template;
      assert.deepEqual(restrictedViolations(pod), []);
      const sc = pod.spec.securityContext;
      assert.equal(sc.runAsNonRoot, true);
      assert.equal(sc.runAsUser, 65532);
      assert.equal(sc.runAsGroup, 65532);
      assert.equal(sc.fsGroup, 65532);
      assert.equal(sc.seccompProfile.type, "RuntimeDefault");
    });
  }

  // The checker must be able to fail: each change breaks exactly the control it names.
  const breaks = [
    ["Privilege Escalation", (p) => { delete p.spec.containers[0].securityContext.allowPrivilegeEscalation; }],
    ["Running as Non-root", (p) => { delete p.spec.securityContext.runAsNonRoot; delete p.spec.containers[0].securityContext.runAsNonRoot; }],
    ["Running as Non-root user", (p) => { p.spec.containers[0].securityContext.runAsUser = 0; }],
    ["Seccomp (baseline)", (p) => { p.spec.securityContext.seccompProfile.type = "Unconfined"; }],
    ["Seccomp (restricted)", (p) => { delete p.spec.securityContext.seccompProfile; delete p.spec.containers[0].securityContext.seccompProfile; }],
    ["Capabilities (restricted)", (p) => { p.spec.containers[0].securityContext.capabilities = { drop: ["NET_RAW"] }; }],
    ["Capabilities (baseline)", (p) => { p.spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"]; },
      ["Capabilities (baseline)", "Capabilities (restricted)"]],
    ["Privileged Containers", (p) => { p.spec.containers[0].securityContext.privileged = true; }],
    ["Host Namespaces", (p) => { p.spec.hostNetwork = true; }],
    ["HostPath Volumes", (p) => { p.spec.volumes.push({ name: "h", hostPath: { path: "/" } }); },
      ["HostPath Volumes", "Volume Types"]],
    ["Volume Types", (p) => { p.spec.volumes.push({ name: "n", nfs: { server: "x", path: "/" } }); }],
    ["Host Ports", (p) => { p.spec.containers[0].ports[0].hostPort = 8080; }],
    ["/proc Mount Type", (p) => { p.spec.containers[0].securityContext.procMount = "Unmasked"; }],
    ["Sysctls", (p) => { p.spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }]; }],
    ["SELinux", (p) => { p.spec.securityContext.seLinuxOptions = { type: "spc_t" }; }],
    ["AppArmor", (p) => { p.metadata.annotations["container.apparmor.security.beta.kubernetes.io/controller"] = "unconfined"; }],
    ["HostProcess", (p) => { p.spec.securityContext.windowsOptions = { hostProcess: true }; }],
  ];
  for (const [control, mutate, hit = [control]] of breaks) {
    test(`the check catches a pod that breaks "${control}"`, () => {
      const pod = structuredClone(deployment(renderOk({})).spec.template);
      mutate(pod);
      const controls = [...new Set(restrictedViolations(pod).map((m) => m.slice(0, m.indexOf(": "))))].sort();
      assert.deepEqual(controls, [...hit].sort());
    });
  }

  test("an init container added through values is checked too", () => {
    const pod = structuredClone(deployment(renderOk({})).spec.template);
    pod.spec.initContainers = [{ name: "init", image: "x" }];
    assert.ok(restrictedViolations(pod).some((m) => m.includes("spec.initContainers[0]")));
  });
});

describe("RBAC", () => {
  // The table "RBAC: the verbs it needs" of docs/kubernetes-mode.md: [{group, resource, verbs}].
  function documentedRules() {
    const doc = readFileSync(join(repo, "docs", "kubernetes-mode.md"), "utf8");
    const section = doc.slice(doc.indexOf("## RBAC"));
    const rows = [];
    for (const m of section.matchAll(/^\| `([^`]*)` \| `([^`]+)` \| ([a-z, ]+) \|/gm)) {
      rows.push({ group: m[1] === '""' ? "" : m[1], resource: m[2], verbs: m[3].split(",").map((v) => v.trim()).sort() });
    }
    assert.ok(rows.length >= 5, `docs/kubernetes-mode.md: RBAC table not found (${rows.length} rows)`);
    return rows;
  }
  // Granted only with the Job builder (jobBuilder.enabled): the rows marked "only with build.kubernetesJob".
  const JOB_BUILDER = new Set(["jobs", "pods", "pods/log"]);
  const flatten = (rules) => rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) =>
    ({ group: g, resource: res, verbs: [...r.verbs].sort() })))).sort((a, b) => `${a.group}/${a.resource}`.localeCompare(`${b.group}/${b.resource}`));
  const sortRules = (rules) => [...rules].sort((a, b) => `${a.group}/${a.resource}`.localeCompare(`${b.group}/${b.resource}`));
  const documented = documentedRules();
  const watchRules = (jobs) => sortRules([
    ...documented.filter((r) => r.resource !== "leases" && !JOB_BUILDER.has(r.resource)),
    ...(jobs ? documented.filter((r) => JOB_BUILDER.has(r.resource)) : []),
  ]);
  const leaseRules = () => documented.filter((r) => r.resource === "leases");

  test("the documented table has the verbs the issue lists", () => {
    const byResource = Object.fromEntries(documented.map((r) => [r.resource, r.verbs.join(",")]));
    assert.equal(byResource.spacedeployments, "get,list,watch");
    assert.equal(byResource["spacedeployments/status"], "get,patch,update");
    assert.equal(byResource.events, "create,get,patch");
    assert.equal(byResource.leases, "create,get,update");
    assert.equal(byResource.secrets, "get");
  });

  test("all namespaces: one ClusterRole with exactly the documented verbs, bound to the ServiceAccount", () => {
    const docs = renderOk({});
    const [role] = find(docs, "ClusterRole");
    assert.deepEqual(flatten(role.rules), watchRules(false));
    const [binding] = find(docs, "ClusterRoleBinding");
    assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name });
    const [sa] = find(docs, "ServiceAccount");
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: releaseNamespace }]);
    assert.equal(deployment(docs).spec.template.spec.serviceAccountName, sa.metadata.name);
  });

  test("leases only in the release namespace, through a Role", () => {
    const docs = renderOk({});
    const roles = find(docs, "Role");
    assert.equal(roles.length, 1);
    assert.equal(roles[0].metadata.namespace, releaseNamespace);
    assert.deepEqual(flatten(roles[0].rules), leaseRules());
    const [rb] = find(docs, "RoleBinding");
    assert.equal(rb.metadata.namespace, releaseNamespace);
    assert.equal(rb.roleRef.name, roles[0].metadata.name);
    assert.ok(!find(docs, "ClusterRole")[0].rules.some((r) => r.resources.includes("leases")));
  });

  test("watched namespaces: a Role and RoleBinding in each, no ClusterRole; jobs only with the Job builder", () => {
    const docs = renderOk({ values: [ci("multi-namespace-values.yaml")] });
    assert.equal(find(docs, "ClusterRole").length, 0);
    assert.equal(find(docs, "ClusterRoleBinding").length, 0);
    for (const ns of ["team-a", "team-b"]) {
      const [role] = find(docs, "Role").filter((r) => r.metadata.namespace === ns);
      assert.ok(role, `no Role in ${ns}`);
      assert.deepEqual(flatten(role.rules), watchRules(true));
      const [rb] = find(docs, "RoleBinding").filter((r) => r.metadata.namespace === ns);
      assert.equal(rb.roleRef.name, role.metadata.name);
      assert.deepEqual(rb.subjects, [{ kind: "ServiceAccount", name: find(docs, "ServiceAccount")[0].metadata.name, namespace: releaseNamespace }]);
    }
    const noJobs = renderOk({ set: ["watch.namespaces={team-a}"] });
    assert.deepEqual(flatten(find(noJobs, "Role").find((r) => r.metadata.namespace === "team-a").rules), watchRules(false));
    const allJobs = renderOk({ set: ["jobBuilder.enabled=true"] });
    assert.deepEqual(flatten(find(allJobs, "ClusterRole")[0].rules), watchRules(true));
  });

  test("no wildcard anywhere, no verb beyond the documented ones", () => {
    for (const file of ciValueFiles()) {
      for (const o of objects(renderOk({ values: [file], apiVersions: MONITORING }))) {
        if (!["Role", "ClusterRole"].includes(o.kind)) continue;
        for (const r of o.rules) {
          for (const f of ["apiGroups", "resources", "verbs"]) assert.ok(!r[f].includes("*"), `${o.kind}/${o.metadata.name}: ${f} *`);
          assert.equal(r.resourceNames, undefined);
        }
      }
    }
  });

  test("rbac.create=false and serviceAccount.create=false render neither", () => {
    const docs = renderOk({ set: ["rbac.create=false", "serviceAccount.create=false", "serviceAccount.name=ops-made"] });
    for (const k of ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "ServiceAccount"]) assert.equal(find(docs, k).length, 0, k);
    assert.equal(deployment(docs).spec.template.spec.serviceAccountName, "ops-made");
  });
});

describe("credentials come only from Secrets", () => {
  const SECRET_ENV = {
    HF_TOKEN: ["hub.existingSecret", "hf-token"],
    GITHUB_TOKEN: ["github.existingSecret", "github-token"],
    SPACEPORT_GITHUB_WEBHOOK_SECRET: ["webhooks.github.existingSecret", "github-webhook-secret"],
    SPACEPORT_HUB_WEBHOOK_SECRET: ["webhooks.hub.existingSecret", "hub-webhook-secret"],
    SPACEPORT_GENERIC_WEBHOOK_SECRET: ["webhooks.generic.existingSecret", "generic-webhook-secret"],
    SPACEPORT_FINGERPRINT_KEY: ["fingerprintKey.existingSecret", "fingerprint-key"],
    SPACEPORT_NOTIFY_URL: ["notifications.existingSecret", "notify-url"],
  };

  test("no Secret is rendered and nothing in a ConfigMap looks like a credential", () => {
    for (const file of ciValueFiles()) {
      const docs = renderOk({ values: [file], apiVersions: MONITORING });
      assert.equal(find(docs, "Secret").length, 0);
      for (const cm of find(docs, "ConfigMap")) {
        const text = JSON.stringify(cm.data);
        assert.doesNotMatch(text, /password|tokenFile|hf_[A-Za-z0-9]{10,}|ghp_|credentials/i, `${cm.metadata.name}`);
      }
    }
  });

  test("each credential is a secretKeyRef to the named Secret and key, and absent when unset", () => {
    const none = container(renderOk({}));
    for (const name of Object.keys(SECRET_ENV)) assert.ok(!none.env.some((e) => e.name === name), `${name} without a Secret`);
    const set = Object.values(SECRET_ENV).map(([v], i) => `${v}=secret-${i}`);
    const c = container(renderOk({ set }));
    Object.entries(SECRET_ENV).forEach(([name, [, key]], i) => {
      const e = c.env.find((x) => x.name === name);
      assert.ok(e, `${name} missing`);
      assert.equal(e.value, undefined);
      assert.deepEqual(e.valueFrom, { secretKeyRef: { name: `secret-${i}`, key } });
    });
    assert.ok(!c.args.some((a) => a.startsWith("--notify=")), "the notify URL is read from the Secret's env by the controller, never put on its command line");
  });

  test("the Hub token is named in the config only when it comes from a Secret", () => {
    const cfg = (docs) => yaml.load(find(docs, "ConfigMap")[0].data["config.yaml"]);
    assert.equal(cfg(renderOk({})).hub.tokenFromEnv, undefined);
    assert.equal(cfg(renderOk({ set: ["hub.existingSecret=hf"] })).hub.tokenFromEnv, "HF_TOKEN");
  });

  test("registry credentials: the dockerconfigjson Secret mounted read-only as config.json, DOCKER_CONFIG pointing at it", () => {
    const docs = renderOk({ set: ["registry.existingSecret=regcred"] });
    const pod = deployment(docs).spec.template.spec;
    const vol = pod.volumes.find((v) => v.secret);
    assert.deepEqual(vol.secret, { secretName: "regcred", items: [{ key: ".dockerconfigjson", path: "config.json" }] });
    const c = pod.containers[0];
    const m = c.volumeMounts.find((x) => x.name === vol.name);
    assert.equal(m.readOnly, true);
    assert.equal(c.env.find((e) => e.name === "DOCKER_CONFIG").value, m.mountPath);
  });
});

describe("optional objects", () => {
  test("ServiceMonitor and PrometheusRule only when enabled and the cluster serves monitoring.coreos.com/v1", () => {
    const file = ci("all-namespaces-monitoring-values.yaml");
    const without = renderOk({ values: [file] });
    assert.equal(find(without, "ServiceMonitor").length, 0);
    assert.equal(find(without, "PrometheusRule").length, 0);
    const withApi = renderOk({ values: [file], apiVersions: MONITORING });
    const [sm] = find(withApi, "ServiceMonitor");
    assert.deepEqual(sm.spec.endpoints, [{ port: "http", path: "/metrics", interval: "30s", scrapeTimeout: "10s" }]);
    assert.equal(sm.metadata.labels.release, "kube-prometheus-stack");
    const [svc] = find(withApi, "Service");
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) assert.equal(svc.metadata.labels[k], v);
    const disabled = renderOk({ apiVersions: MONITORING });
    assert.equal(find(disabled, "ServiceMonitor").length + find(disabled, "PrometheusRule").length, 0);
  });

  test("the PrometheusRule holds the rules file, with the configured Hub's host", () => {
    const rules = yaml.load(readFileSync(join(chartDir, "files", "alerts", "spaceport-rules.yaml"), "utf8"));
    const [plain] = find(renderOk({ set: ["metrics.prometheusRule.enabled=true"], apiVersions: MONITORING }), "PrometheusRule");
    assert.deepEqual(plain.spec, rules);
    const [custom] = find(renderOk({ values: [ci("all-namespaces-monitoring-values.yaml")], apiVersions: MONITORING }), "PrometheusRule");
    const exprs = JSON.stringify(custom.spec);
    assert.doesNotMatch(exprs, /huggingface\.co"/);
    assert.match(exprs, /host=\\"hub\.example\.com\\"/);
  });

  test("the dashboard ConfigMap holds files/dashboards/spaceport.json with the sidecar label", () => {
    const [cm] = find(renderOk({ set: ["metrics.dashboard.enabled=true"] }), "ConfigMap").filter((c) => c.metadata.name.endsWith("-dashboard"));
    assert.equal(cm.metadata.labels.grafana_dashboard, "1");
    assert.deepEqual(JSON.parse(cm.data["spaceport.json"]),
                     JSON.parse(readFileSync(join(chartDir, "files", "dashboards", "spaceport.json"), "utf8")));
  });

  test("the Ingress exposes only /hooks (the webhook receivers)", () => {
    const [ing] = find(renderOk({ values: [ci("multi-namespace-values.yaml")] }), "Ingress");
    const paths = ing.spec.rules.flatMap((r) => r.http.paths);
    assert.deepEqual(paths.map((p) => [p.path, p.pathType]), [["/hooks", "Prefix"]]);
    assert.equal(ing.spec.rules[0].host, "spaceport.example.com");
    assert.equal(ing.spec.ingressClassName, "nginx");
    const [hostless] = find(renderOk({ set: ["ingress.enabled=true"] }), "Ingress");
    assert.equal(hostless.spec.rules.length, 1);
    assert.equal(hostless.spec.rules[0].host, undefined);
  });

  test("the PodDisruptionBudget exists only with several replicas: policy/v1beta1 on 1.20, policy/v1 from 1.21", () => {
    assert.equal(find(renderOk({}), "PodDisruptionBudget").length, 0);
    const many = { values: [ci("multi-namespace-values.yaml")] };
    assert.equal(find(renderOk({ ...many, kubeVersion: "1.20.0" }), "PodDisruptionBudget")[0].apiVersion, "policy/v1beta1");
    assert.equal(find(renderOk({ ...many, kubeVersion: "1.21.0" }), "PodDisruptionBudget")[0].apiVersion, "policy/v1");
    const [pdb] = find(renderOk({ ...many, kubeVersion: "1.32.0" }), "PodDisruptionBudget");
    assert.equal(pdb.spec.maxUnavailable, 1);
  });

  test("the NetworkPolicy admits the HTTP port from the listed peers only", () => {
    const [np] = find(renderOk({ values: [ci("multi-namespace-values.yaml")] }), "NetworkPolicy");
    assert.deepEqual(np.spec.policyTypes, ["Ingress"]);
    assert.deepEqual(np.spec.ingress[0].ports, [{ port: 8080, protocol: "TCP" }]);
    assert.equal(np.spec.ingress[0].from.length, 2);
  });
});

describe("NOTES.txt", () => {
  // helm template does not render NOTES.txt, and `helm install --dry-run` needs a cluster: render
  // it through tpl in a copy of the chart.
  function notes(set = []) {
    const dir = mkdtempSync(join(tmpdir(), "spaceport-notes-"));
    cpSync(chartDir, join(dir, "spaceport"), { recursive: true });
    renameSync(join(dir, "spaceport", "templates", "NOTES.txt"), join(dir, "spaceport", "notes.src"));
    writeFileSync(join(dir, "spaceport", "templates", "notes-test.yaml"),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\ndata:\n  notes: |\n{{ tpl (.Files.Get "notes.src") . | indent 4 }}\n');
    const args = ["template", "sp", join(dir, "spaceport"), "-n", "ops", "--show-only", "templates/notes-test.yaml"];
    for (const s of set) args.push("--set", s);
    const r = helm(args);
    assert.equal(r.status, 0, r.stderr);
    return splitDocs(r.stdout)[0].object.data.notes;
  }

  test("say how to check it runs: kubectl get spd -A and the metrics port", () => {
    const text = notes(["service.port=9100"]);
    assert.match(text, /kubectl get spd -A/);
    assert.match(text, /port 9100/);
    assert.match(text, /\/metrics/);
    assert.match(text, /rollout status deployment\/sp-spaceport/);
  });

  test("warn about a missing Hub token and fingerprint key, and about monitoring the cluster cannot serve", () => {
    const bare = notes(["metrics.serviceMonitor.enabled=true"]);
    assert.match(bare, /hub\.existingSecret is empty/);
    assert.match(bare, /fingerprintKey\.existingSecret is empty/);
    assert.match(bare, /no ServiceMonitor was created/);
    const full = notes(["hub.existingSecret=s", "fingerprintKey.existingSecret=s"]);
    assert.doesNotMatch(full, /WARNING|NOTE:/);
  });
});
