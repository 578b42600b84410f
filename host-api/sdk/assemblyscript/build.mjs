// Builds the SDK's examples and start-function tests with the pinned assemblyscript compiler
// (package-lock.json; `npm ci` installs it), in one process so the compiler loads once.
//   node host-api/sdk/assemblyscript/build.mjs [OUT]    modules in OUT (default: ./target)
import asc from "assemblyscript/asc";
import { readdirSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? `${here}/target`);
process.chdir(here);
const sources = ["examples", "tests"].flatMap((dir) =>
  readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => `${dir}/${f}`),
);
for (const source of sources) {
  const target = `${out}/${basename(source, ".ts")}.wasm`;
  const { error, stderr } = await asc.main([source, "--config", "asconfig.json", "-o", target]);
  if (error) {
    console.error(stderr.toString());
    process.exit(1);
  }
}
