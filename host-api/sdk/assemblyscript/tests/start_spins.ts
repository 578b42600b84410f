// Top-level code runs in the module's start function, while the instance is being created: this
// one never ends, so only the chassis's CPU (or wall-clock) limit can stop it.
import { Result, tool } from "../assembly/index";

let spins: i64 = 0;
while (spins >= 0) {
  spins = (spins + 1) & 0x7fffffff;
}

function handle(input: string): Result<string> {
  return Result.ok<string>(spins.toString());
}

export function run(): i32 {
  return tool(handle);
}
