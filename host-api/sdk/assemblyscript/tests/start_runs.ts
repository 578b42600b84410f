// Top-level code runs in the module's start function: it builds a table before run is called,
// and run reads it, so the output proves the start function ran, once, in this instance.
import { Result, tool } from "../assembly/index";

const squares = new Array<i32>(10);
let starts = 0;
for (let i = 0; i < squares.length; i++) squares[i] = i * i;
starts++;

function handle(input: string): Result<string> {
  return Result.ok<string>(
    '{"starts":' + starts.toString() + ',"square9":' + squares[9].toString() + "}",
  );
}

export function run(): i32 {
  return tool(handle);
}
