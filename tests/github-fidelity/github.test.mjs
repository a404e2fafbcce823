// Fidelity: the official @octokit/rest client (npm, pinned in package-lock.json) against the
// Spaceport GitHub emulator, and every answer body validated against GitHub's own OpenAPI
// description (@octokit/openapi, api.github.com.json) with ajv.
//
// Started by run.sh, which exports GITHUB_API_URL (the emulator) and GITHUB_TOKEN (user "alice",
// write access) and configures acme/app/docker.yml with inputs version (required) and build_id,
// run-name "build ${{ inputs.build_id }}", and a command that fails when version is "bad".
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

import { Octokit } from "@octokit/rest";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
const spec = require("@octokit/openapi/generated/api.github.com.json");

const baseUrl = process.env.GITHUB_API_URL;
const auth = process.env.GITHUB_TOKEN;
assert.ok(baseUrl && auth, "run.sh must export GITHUB_API_URL and GITHUB_TOKEN");
const octokit = new Octokit({ auth, baseUrl, request: { retries: 0 } });
const repo = { owner: "acme", repo: "app", workflow_id: "docker.yml" };

// OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a type union (or anyOf for $refs and
// untyped schemas), and #/components/schemas/X refs point into one definitions object.
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable" || key === "example" || key === "examples" || key === "discriminator") continue;
    if (key === "$ref") out.$ref = value.replace("#/components/schemas/", "#/definitions/");
    else out[key] = toJsonSchema(value);
  }
  if (node.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.$ref || !out.type) return { anyOf: [out, { type: "null" }] };
    if (out.enum && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const definitions = toJsonSchema(spec.components.schemas);

function validator(path, method, status) {
  const schema = spec.paths[path][method].responses[String(status)].content["application/json"].schema;
  return ajv.compile({ definitions, ...toJsonSchema(schema) });
}
const validate = {
  dispatch: validator("/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", "post", 200),
  listRuns: validator("/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", "get", 200),
  getRun: validator("/repos/{owner}/{repo}/actions/runs/{run_id}", "get", 200),
  error: ajv.compile({ definitions, $ref: "#/definitions/basic-error" }),
};

function assertValid(check, body, what) {
  assert.ok(check(body), `${what} does not match GitHub's OpenAPI schema: ${ajv.errorsText(check.errors)}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForCompletion(run_id) {
  for (let i = 0; i < 200; i++) {
    const { data } = await octokit.rest.actions.getWorkflowRun({ owner: "acme", repo: "app", run_id });
    assertValid(validate.getRun, data, "getWorkflowRun");
    if (data.status === "completed") return data;
    await sleep(50);
  }
  throw new Error(`run ${run_id} did not complete`);
}

let detailedRunId;

test("createWorkflowDispatch with return_run_details answers 200 with the run's id and URLs", async () => {
  const res = await octokit.rest.actions.createWorkflowDispatch({
    ...repo, ref: "main", inputs: { version: "1.2.3", build_id: "b-0001" }, return_run_details: true,
  });
  assert.equal(res.status, 200);
  assertValid(validate.dispatch, res.data, "the dispatch answer");
  assert.equal(typeof res.data.workflow_run_id, "number");
  assert.equal(res.data.run_url, `${baseUrl}/repos/acme/app/actions/runs/${res.data.workflow_run_id}`);
  assert.ok(res.headers["x-ratelimit-remaining"], "rate-limit headers are on every answer");
  detailedRunId = res.data.workflow_run_id;
});

test("getWorkflowRun follows the run to a successful conclusion with the build id in its title", async () => {
  const run = await waitForCompletion(detailedRunId);
  assert.equal(run.conclusion, "success");
  assert.equal(run.display_title, "build b-0001");
  assert.equal(run.event, "workflow_dispatch");
  assert.equal(run.head_branch, "main");
  assert.equal(run.path, ".github/workflows/docker.yml");
});

test("createWorkflowDispatch without return_run_details answers 204, and the run is found by its title", async () => {
  const res = await octokit.rest.actions.createWorkflowDispatch({
    ...repo, ref: "main", inputs: { version: "bad", build_id: "b-0002" },
  });
  assert.equal(res.status, 204);
  const { data } = await octokit.rest.actions.listWorkflowRuns({ ...repo, event: "workflow_dispatch" });
  assertValid(validate.listRuns, data, "listWorkflowRuns");
  const run = data.workflow_runs.find((r) => r.display_title === "build b-0002");
  assert.ok(run, "the dispatched run is listed");
  const done = await waitForCompletion(run.id);
  assert.equal(done.conclusion, "failure", "a command exiting non-zero fails the run");
});

test("listWorkflowRuns filters by status and pages with Link headers that octokit follows", async () => {
  for (let i = 3; i <= 5; i++) {
    await octokit.rest.actions.createWorkflowDispatch({ ...repo, ref: "main", inputs: { version: "1", build_id: `b-000${i}` } });
  }
  const failed = await octokit.rest.actions.listWorkflowRuns({ ...repo, status: "failure" });
  assertValid(validate.listRuns, failed.data, "listWorkflowRuns?status=failure");
  assert.deepEqual(failed.data.workflow_runs.map((r) => r.display_title), ["build b-0002"]);
  const page = await octokit.rest.actions.listWorkflowRuns({ ...repo, per_page: 2 });
  assertValid(validate.listRuns, page.data, "listWorkflowRuns?per_page=2");
  assert.equal(page.data.total_count, 5);
  assert.match(page.headers.link, /rel="next"/);
  const all = await octokit.paginate(octokit.rest.actions.listWorkflowRuns, { ...repo, per_page: 2 });
  assert.equal(all.length, 5);
  assert.deepEqual(all.map((r) => r.display_title).slice(-2), ["build b-0002", "build b-0001"]);
});

test("errors have GitHub's status codes and bodies", async () => {
  const cases = [
    [{ ...repo, workflow_id: "missing.yml", ref: "main", inputs: { version: "1" } }, 404],
    [{ ...repo, ref: "no-such-branch", inputs: { version: "1" } }, 422],
    [{ ...repo, ref: "main", inputs: { version: "1", extra: "x" } }, 422],
    [{ ...repo, ref: "main", inputs: {} }, 422],
  ];
  for (const [params, status] of cases) {
    await assert.rejects(octokit.rest.actions.createWorkflowDispatch(params), (err) => {
      assert.equal(err.status, status, JSON.stringify(params));
      assertValid(validate.error, err.response.data, `the ${status} body`);
      return true;
    });
  }
  const reader = new Octokit({ auth: "ghp_fidelity_reader", baseUrl, request: { retries: 0 } });
  await assert.rejects(reader.rest.actions.createWorkflowDispatch({ ...repo, ref: "main", inputs: { version: "1" } }),
    (err) => err.status === 403);
  const stranger = new Octokit({ auth: "ghp_unknown", baseUrl, request: { retries: 0 } });
  await assert.rejects(stranger.rest.actions.getWorkflowRun({ owner: "acme", repo: "app", run_id: detailedRunId }),
    (err) => err.status === 401);
  await assert.rejects(octokit.rest.actions.getWorkflowRun({ owner: "acme", repo: "app", run_id: 1 }),
    (err) => err.status === 404);
});

test("the schema check is not vacuous: a run without its status or with a numeric title is refused", async () => {
  const { data } = await octokit.rest.actions.getWorkflowRun({ owner: "acme", repo: "app", run_id: detailedRunId });
  assertValid(validate.getRun, data, "getWorkflowRun");
  const { status, ...withoutStatus } = data;
  assert.equal(status, "completed");
  assert.equal(validate.getRun(withoutStatus), false);
  assert.equal(validate.getRun({ ...data, display_title: 7 }), false);
  assert.equal(validate.dispatch({ workflow_run_id: 1, run_url: "not a uri", html_url: "x" }), false);
});
