// Fidelity: the official @huggingface/hub client (npm, pinned in package-lock.json) against the
// Spaceport Hub emulator. Each test calls one client function the way a user would and asserts
// what it returns, so a change in the emulator that the real client would not accept fails here.
//
// Started by run.sh, which exports HF_ENDPOINT (the emulator) and HF_TOKEN (a token of user
// "alice", member of org "fidelity-org"); the emulator runs with --build-seconds 30
// --start-seconds 30 --assume-unmapped-images, and its clock is moved through the control API.
// Tests run in order and share one Space.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  HubApiError,
  commit,
  createRepo,
  deleteFile,
  deleteRepo,
  downloadFile,
  fileExists,
  listCommits,
  listFiles,
  listSpaces,
  pathsInfo,
  repoExists,
  spaceInfo,
  uploadFile,
  uploadFiles,
  whoAmI,
} from "@huggingface/hub";

const hubUrl = process.env.HF_ENDPOINT;
const accessToken = process.env.HF_TOKEN;
assert.ok(hubUrl && accessToken, "run.sh must export HF_ENDPOINT and HF_TOKEN");

const repo = { type: "space", name: "alice/fidelity-demo" };
const credentials = { accessToken, hubUrl };
const dockerfile = "FROM busybox:1.36\nCMD [\"httpd\", \"-f\", \"-p\", \"7860\"]\n";
const mainPy = "print('hello from the emulator')\n";
let firstCommit;

async function control(method, path, body) {
  const res = await fetch(`${hubUrl}/__emulator/${path}`, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal(res.status, 200, `control ${method} ${path}: ${await res.clone().text()}`);
  return res.json();
}

async function collect(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function rejectsWithStatus(promise, status) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof HubApiError, `expected HubApiError, got ${err}`);
    assert.equal(err.statusCode, status, err.message);
    return true;
  });
}

test("whoAmI returns the token's user, its orgs and the token's role", async () => {
  const me = await whoAmI(credentials);
  assert.equal(me.type, "user");
  assert.equal(me.name, "alice");
  assert.deepEqual(me.orgs.map((o) => o.name), ["fidelity-org"]);
  assert.equal(me.auth.type, "access_token");
  assert.equal(me.auth.accessToken.role, "write");
  assert.ok(me.auth.accessToken.createdAt instanceof Date);
});

test("whoAmI with an unknown token fails with 401 and the Hub's message", async () => {
  await assert.rejects(whoAmI({ accessToken: "hf_not_a_known_token", hubUrl }), (err) => {
    assert.ok(err instanceof HubApiError);
    assert.equal(err.statusCode, 401);
    assert.match(err.message, /Invalid credentials in Authorization header/);
    assert.ok(err.requestId, "X-Request-Id is copied into the error");
    return true;
  });
});

test("createRepo makes a docker Space and returns its URL on the emulator", async () => {
  const created = await createRepo({ ...credentials, repo, sdk: "docker" });
  assert.equal(created.repoUrl, `${hubUrl}/spaces/alice/fidelity-demo`);
  assert.match(created.id, /^[0-9a-f]{24}$/);
});

test("createRepo of an existing Space fails with 409", async () => {
  await rejectsWithStatus(createRepo({ ...credentials, repo, sdk: "docker" }), 409);
});

test("a new docker Space has no app file until a Dockerfile is committed", async () => {
  const info = await spaceInfo({ ...credentials, name: repo.name, additionalFields: ["runtime"] });
  assert.equal(info.runtime.stage, "NO_APP_FILE");
  assert.equal(info.runtime.hardware.requested, "cpu-basic");
});

test("uploadFiles commits through preupload and the NDJSON commit API", async () => {
  const result = await uploadFiles({
    ...credentials,
    repo,
    commitTitle: "Deploy the app",
    files: [
      { path: "Dockerfile", content: new Blob([dockerfile]) },
      { path: "app/main.py", content: new Blob([mainPy]) },
    ],
  });
  assert.match(result.commit.oid, /^[0-9a-f]{40}$/);
  assert.equal(result.commit.url, `${hubUrl}/spaces/alice/fidelity-demo/commit/${result.commit.oid}`);
  firstCommit = result.commit.oid;
});

test("spaceInfo with runtime, sha and cardData shows the build of that commit", async () => {
  const info = await spaceInfo({
    ...credentials,
    name: repo.name,
    additionalFields: ["runtime", "sha", "cardData", "subdomain", "author"],
  });
  assert.equal(info.name, "alice/fidelity-demo");
  assert.match(info.id, /^[0-9a-f]{24}$/);
  assert.equal(info.sdk, "docker");
  assert.equal(info.private, false);
  assert.ok(info.updatedAt instanceof Date && !Number.isNaN(info.updatedAt.getTime()));
  assert.equal(info.sha, firstCommit);
  assert.equal(info.author, "alice");
  assert.equal(info.subdomain, "alice-fidelity-demo");
  assert.equal(info.cardData.sdk, "docker");
  assert.equal(info.runtime.stage, "BUILDING");
  assert.equal(info.runtime.sha, firstCommit);
  assert.equal(info.runtime.hardware.current, null);
});

test("the Space reaches RUNNING once the build and start times have passed", async () => {
  await control("POST", "clock", { advance_seconds: 61 });
  let stage;
  for (let i = 0; i < 50 && stage !== "RUNNING"; i++) {
    // The build's image check runs on the emulator's worker thread; give it a moment.
    stage = (await spaceInfo({ ...credentials, name: repo.name, additionalFields: ["runtime"] })).runtime.stage;
    if (stage !== "RUNNING") await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(stage, "RUNNING");
});

test("listFiles lists the top level, and everything when recursive", async () => {
  const top = await collect(listFiles({ ...credentials, repo }));
  assert.deepEqual(
    top.map((e) => [e.path, e.type]),
    [
      [".gitattributes", "file"],
      ["Dockerfile", "file"],
      ["README.md", "file"],
      ["app", "directory"],
    ],
  );
  const dockerfileEntry = top.find((e) => e.path === "Dockerfile");
  assert.equal(dockerfileEntry.size, dockerfile.length);
  assert.match(dockerfileEntry.oid, /^[0-9a-f]{40}$/);

  const all = await collect(listFiles({ ...credentials, repo, recursive: true }));
  assert.ok(all.some((e) => e.path === "app/main.py" && e.type === "file" && e.size === mainPy.length));
});

test("listFiles with expand gives each entry its last commit", async () => {
  const entries = await collect(listFiles({ ...credentials, repo, expand: true }));
  const entry = entries.find((e) => e.path === "Dockerfile");
  assert.equal(entry.lastCommit.id, firstCommit);
  assert.equal(entry.lastCommit.title, "Deploy the app");
});

test("pathsInfo answers known paths and omits unknown ones", async () => {
  const infos = await pathsInfo({ ...credentials, repo, paths: ["Dockerfile", "missing.txt", "app"] });
  assert.deepEqual(infos.map((i) => [i.path, i.type]), [
    ["Dockerfile", "file"],
    ["app", "directory"],
  ]);
});

test("fileExists is true for a committed file and false for a missing one", async () => {
  assert.equal(await fileExists({ ...credentials, repo, path: "Dockerfile" }), true);
  assert.equal(await fileExists({ ...credentials, repo, path: "app/main.py" }), true);
  assert.equal(await fileExists({ ...credentials, repo, path: "nope.txt" }), false);
});

test("downloadFile returns the committed bytes, and null for a missing file", async () => {
  const blob = await downloadFile({ ...credentials, repo, path: "Dockerfile" });
  assert.equal(await blob.text(), dockerfile);
  const nested = await downloadFile({ ...credentials, repo, path: "app/main.py" });
  assert.equal(await nested.text(), mainPy);
  assert.equal(await downloadFile({ ...credentials, repo, path: "nope.txt" }), null);
});

test("downloadFile at an earlier revision returns the content of that commit", async () => {
  await uploadFile({ ...credentials, repo, file: { path: "app/main.py", content: new Blob(["v2\n"]) } });
  const old = await downloadFile({ ...credentials, repo, path: "app/main.py", revision: firstCommit });
  assert.equal(await old.text(), mainPy);
  const current = await downloadFile({ ...credentials, repo, path: "app/main.py" });
  assert.equal(await current.text(), "v2\n");
});

test("a commit whose parentCommit is no longer the head fails with 412", async () => {
  await rejectsWithStatus(
    uploadFile({
      ...credentials,
      repo,
      parentCommit: firstCommit,
      file: { path: "stale.txt", content: new Blob(["stale\n"]) },
    }),
    412,
  );
  assert.equal(await fileExists({ ...credentials, repo, path: "stale.txt" }), false);
});

test("commit applies additions and deletions in one commit", async () => {
  const head = (await spaceInfo({ ...credentials, name: repo.name, additionalFields: ["sha"] })).sha;
  const result = await commit({
    ...credentials,
    repo,
    title: "Add notes, drop the attributes",
    parentCommit: head,
    operations: [
      { operation: "addOrUpdate", path: "docs/notes.md", content: new Blob(["# Notes\n"]) },
      { operation: "delete", path: ".gitattributes" },
    ],
  });
  assert.notEqual(result.commit.oid, head);
  assert.equal(await fileExists({ ...credentials, repo, path: "docs/notes.md" }), true);
  assert.equal(await fileExists({ ...credentials, repo, path: ".gitattributes" }), false);
});

test("deleteFile removes a file in a new commit", async () => {
  const result = await deleteFile({ ...credentials, repo, path: "app/main.py" });
  assert.match(result.commit.oid, /^[0-9a-f]{40}$/);
  assert.equal(await fileExists({ ...credentials, repo, path: "app/main.py" }), false);
  const all = await collect(listFiles({ ...credentials, repo, recursive: true }));
  assert.ok(!all.some((e) => e.path.startsWith("app")));
});

test("deleteFile of a missing file fails with 404", async () => {
  await rejectsWithStatus(deleteFile({ ...credentials, repo, path: "never-was.txt" }), 404);
});

test("listCommits lists the history newest first", async () => {
  const commits = await collect(listCommits({ ...credentials, repo }));
  assert.deepEqual(commits.map((c) => c.title), [
    "Delete app/main.py",
    "Add notes, drop the attributes",
    "Add app/main.py",
    "Deploy the app",
    "initial commit",
  ]);
  assert.equal(commits[3].oid, firstCommit);
  assert.ok(commits.every((c) => c.authors[0].username === "alice"));
});

test("an injected 503 reaches the client as a HubApiError", async () => {
  await control("POST", "faults", { path_regex: "^/api/whoami-v2$", status: 503, count: 1 });
  await rejectsWithStatus(whoAmI(credentials), 503);
  assert.equal((await whoAmI(credentials)).name, "alice");  // the fault fired once only
});

test("listSpaces by owner pages through the Space list, private Spaces only for their owner", async () => {
  await createRepo({ ...credentials, repo: { type: "space", name: "alice/fidelity-list-1" }, sdk: "docker" });
  await createRepo({ ...credentials, repo: { type: "space", name: "alice/fidelity-list-2" }, sdk: "docker", private: true });
  const mine = await collect(listSpaces({ ...credentials, search: { owner: "alice" }, additionalFields: ["sha", "runtime"] }));
  const names = mine.map((s) => s.name).sort();
  for (const name of ["alice/fidelity-demo", "alice/fidelity-list-1", "alice/fidelity-list-2"]) assert.ok(names.includes(name), names.join(","));
  const listed = mine.find((s) => s.name === "alice/fidelity-list-1");
  assert.match(listed.sha, /^[0-9a-f]{40}$/);
  assert.ok(listed.runtime && typeof listed.runtime.stage === "string", JSON.stringify(listed));
  assert.equal(mine.find((s) => s.name === "alice/fidelity-list-2").private, true);
  // Anonymous: the private Space is not listed.
  const anonymous = await collect(listSpaces({ hubUrl, search: { owner: "alice" } }));
  assert.ok(anonymous.some((s) => s.name === "alice/fidelity-list-1"));
  assert.ok(!anonymous.some((s) => s.name === "alice/fidelity-list-2"));
  // Paging as the Hub does it: a Link rel="next" with an absolute URL, followed to the end.
  const firstPage = await fetch(`${hubUrl}/api/spaces?author=alice&limit=1`, { headers: { Authorization: `Bearer ${accessToken}` } });
  assert.equal(firstPage.status, 200);
  assert.equal((await firstPage.json()).length, 1);
  assert.match(firstPage.headers.get("link") ?? "", /^<https?:\/\/[^>]+cursor=1[^>]*>; rel="next"$/);
  await deleteRepo({ ...credentials, repo: { type: "space", name: "alice/fidelity-list-1" } });
  await deleteRepo({ ...credentials, repo: { type: "space", name: "alice/fidelity-list-2" } });
});

test("deleteRepo removes the Space; reads then fail with 404", async () => {
  // repoExists sends "?expand[]=likes" with raw brackets, as the real Hub accepts.
  assert.equal(await repoExists({ ...credentials, repo }), true);
  await deleteRepo({ ...credentials, repo });
  await rejectsWithStatus(spaceInfo({ ...credentials, name: repo.name }), 404);
  assert.equal(await fileExists({ ...credentials, repo, path: "Dockerfile" }), false);
  assert.equal(await repoExists({ ...credentials, repo }), false);
});

test("deleteRepo of a missing Space fails with 404", async () => {
  await rejectsWithStatus(deleteRepo({ ...credentials, repo }), 404);
});

test("the client never ran out of request budget", async () => {
  const stats = await control("GET", "stats");
  const alice = stats.budget.callers.alice;
  assert.ok(alice.api.admitted > 20, "the suite's requests were counted");
  assert.equal(alice.api.refused, 0);
  assert.ok(alice.api.max_used_in_any_window <= alice.api.quota);
  assert.ok(stats.requests.by_route["POST /api/spaces/{ns}/{name}/commit/{rev}"] >= 5);
});
