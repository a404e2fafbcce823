// What is generated from the chart stays in step with it: manifests/ (the kustomize base), the
// chart's copy of the CRD, and the chart README's values table. `scripts/render-manifests`
// regenerates all three; these tests fail while any is stale. Then the base itself: kubectl
// kustomize builds it, it is the chart's default rendering, and its pod is "restricted".
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chartDir, releaseNamespace, repo, splitDocs, template, yaml } from "./lib/helm.mjs";
import { crdCopy, crdSource, manifestsDir, renderManifests, valuesTables } from "./lib/manifests.mjs";
import { docComments, table } from "./lib/values-doc.mjs";
import { restrictedViolations } from "./lib/pss.mjs";
import { validateObject } from "./lib/models.mjs";

const STALE = "stale: run scripts/render-manifests";

describe("one source for the CRD", () => {
  test("charts/spaceport/crds/ holds exactly crds/spaceport.dev_spacedeployments.yaml", () => {
    assert.ok(existsSync(crdCopy), `${crdCopy} missing (${STALE})`);
    assert.equal(readFileSync(crdCopy, "utf8"), readFileSync(crdSource, "utf8"), `the chart's CRD differs from crds/ (${STALE})`);
    assert.deepEqual(readdirSync(join(chartDir, "crds")), ["spaceport.dev_spacedeployments.yaml"]);
  });
});

function kustomize(dir) {
  const r = spawnSync("kubectl", ["kustomize", dir], {
    encoding: "utf8", env: { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), "spaceport-kustomize-")) },
  });
  if (r.error?.code === "ENOENT") throw new Error("kubectl is not installed (run scripts/setup)");
  assert.equal(r.status, 0, r.stderr);
  return splitDocs(r.stdout).map((d) => d.object);
}

describe("manifests/", () => {
  const wanted = renderManifests();

  test("is what scripts/render-manifests makes from the chart now", () => {
    const have = readdirSync(manifestsDir).sort();
    assert.deepEqual(have, [...wanted.keys()].sort(), `files of manifests/ (${STALE})`);
    for (const [file, content] of wanted) {
      assert.equal(readFileSync(join(manifestsDir, file), "utf8"), content, `manifests/${file} is ${STALE}`);
    }
  });

  test("kubectl kustomize builds it: the chart's default objects plus the Namespace", () => {
    const built = kustomize(manifestsDir);
    const chart = template({ includeCrds: true }).docs.map((d) => d.object);
    const key = (o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    assert.deepEqual(built.map(key).sort(), [...chart.map(key), `Namespace//${releaseNamespace}`].sort());
    // Same objects, but for who manages them.
    const strip = (o) => {
      const c = structuredClone(o);
      const walk = (x) => {
        if (x && typeof x === "object") {
          if (x.labels?.["app.kubernetes.io/managed-by"]) delete x.labels["app.kubernetes.io/managed-by"];
          if (x.labels && Object.keys(x.labels).length === 0) delete x.labels;
          Object.values(x).forEach(walk);
        }
      };
      walk(c);
      return c;
    };
    const byKey = new Map(built.map((o) => [key(o), o]));
    for (const o of chart) assert.deepEqual(strip(byKey.get(key(o))), strip(o), key(o));
    for (const o of built) {
      if (o.kind === "CustomResourceDefinition") continue;  // crds/ as it is
      assert.equal(o.metadata.labels["app.kubernetes.io/managed-by"], "kustomize", key(o));
    }
    for (const o of built) assert.deepEqual(validateObject(o), [], key(o));
    const deployment = built.find((o) => o.kind === "Deployment");
    assert.deepEqual(restrictedViolations(deployment.spec.template), []);
    const ns = built.find((o) => o.kind === "Namespace");
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
  });

  test("the credentials overlay of docs/helm.md builds and gives the controller its Secrets", () => {
    const doc = readFileSync(join(repo, "docs", "helm.md"), "utf8");
    const m = doc.match(/```yaml\n# my-spaceport\/kustomization\.yaml\n([\s\S]*?)```/);
    assert.ok(m, "docs/helm.md: the my-spaceport/kustomization.yaml block is gone");
    const dir = mkdtempSync(join(tmpdir(), "spaceport-overlay-"));
    mkdirSync(join(dir, "my-spaceport"));
    writeFileSync(join(dir, "my-spaceport", "kustomization.yaml"), m[1]);
    symlinkSync(manifestsDir, join(dir, "manifests"));
    const deployment = kustomize(join(dir, "my-spaceport")).find((o) => o.kind === "Deployment");
    const env = deployment.spec.template.spec.containers[0].env;
    assert.deepEqual(env.find((e) => e.name === "HF_TOKEN").valueFrom, { secretKeyRef: { name: "spaceport", key: "hf-token" } });
    assert.deepEqual(env.find((e) => e.name === "SPACEPORT_FINGERPRINT_KEY").valueFrom,
                     { secretKeyRef: { name: "spaceport", key: "fingerprint-key" } });
  });
});

describe("the values table (charts/spaceport/README.md, docs/helm.md)", () => {
  test("documents every value: the tables are generated from values.yaml now", () => {
    const { problems } = table();
    assert.deepEqual(problems, []);
    for (const [path, content] of valuesTables()) {
      assert.equal(readFileSync(path, "utf8"), content, `the values table of ${path} is ${STALE}`);
    }
  });

  test("a value without a `# --` comment is reported", () => {
    const text = readFileSync(join(chartDir, "values.yaml"), "utf8");
    const stripped = text.replace("  # -- Deployments reconciled at once (`--concurrency`).\n", "");
    assert.notEqual(stripped, text, "fixture: the comment of controller.concurrency changed");
    const values = yaml.load(stripped);
    const schema = JSON.parse(readFileSync(join(chartDir, "values.schema.json"), "utf8"));
    const { problems } = table({ values, schema, docs: docComments(stripped) });
    assert.deepEqual(problems, ['controller.concurrency: no "# --" comment above it in values.yaml']);
  });

  test("a schema key without a default in values.yaml is reported", () => {
    const text = readFileSync(join(chartDir, "values.yaml"), "utf8");
    const schema = JSON.parse(readFileSync(join(chartDir, "values.schema.json"), "utf8"));
    schema.properties.extraThing = { type: "string" };
    const { problems } = table({ values: yaml.load(text), schema, docs: docComments(text) });
    assert.ok(problems.some((p) => p.startsWith("extraThing: in values.schema.json but has no default")), problems.join("\n"));
  });
});
