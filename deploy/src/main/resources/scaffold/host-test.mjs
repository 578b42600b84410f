// Runs build/${name}.wasm in node with a stand-in for the host's io and log functions, as the
// chassis would: a fresh instance per call, the input copied in, the output collected.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const module = new WebAssembly.Module(readFileSync(new URL("../build/${name}.wasm", import.meta.url)));

function invoke(input) {
  const bytes = new TextEncoder().encode(input);
  const output = [];
  const logs = [];
  let memory;
  const view = (ptr, len) => new Uint8Array(memory.buffer, ptr >>> 0, len);
  const host = {
    input_size: () => bytes.length,
    input_read: (ptr, len) => (len < bytes.length ? -3 : (view(ptr, bytes.length).set(bytes), bytes.length)),
    output_write: (ptr, len) => (output.push(...view(ptr, len)), 0),
    result_read: () => -10,
    log: (level, ptr, len) => (logs.push(new TextDecoder().decode(view(ptr, len))), 0),
  };
  const instance = new WebAssembly.Instance(module, { infrafabric: host });
  memory = instance.exports.memory;
  const status = instance.exports.run();
  return { status, output: new TextDecoder().decode(new Uint8Array(output)), logs };
}

test("greets by name", () => {
  const result = invoke('{"name":"Ada"}');
  assert.equal(result.status, 0);
  assert.deepEqual(JSON.parse(result.output), { greeting: "Hello, Ada!" });
  assert.equal(result.logs.length, 1);
});
