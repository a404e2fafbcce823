// scripts/render-manifests: writes the files derived from the chart (lib/manifests.mjs says which).
//   node tests/chart/render.mjs --write
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crdCopy, crdSource, manifestsDir, renderManifests, valuesTables } from "./lib/manifests.mjs";
import { chartDir } from "./lib/helm.mjs";

if (!process.argv.includes("--write")) {
  console.error("usage: node tests/chart/render.mjs --write   (scripts/render-manifests)");
  process.exit(2);
}
mkdirSync(join(chartDir, "crds"), { recursive: true });
copyFileSync(crdSource, crdCopy);
for (const [path, content] of valuesTables()) writeFileSync(path, content);
const files = renderManifests();
mkdirSync(manifestsDir, { recursive: true });
for (const f of readdirSync(manifestsDir)) if (!files.has(f)) rmSync(join(manifestsDir, f));
for (const [f, content] of files) writeFileSync(join(manifestsDir, f), content);
console.log(`render-manifests: wrote manifests/ (${files.size} files), charts/spaceport/crds/, the values tables of charts/spaceport/README.md and docs/helm.md`);
