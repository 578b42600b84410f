// ${name}: an InfraFabric tool. Input {"name": "..."}; output {"greeting": "Hello, ...!"}.
// The SDK's documentation is in sdk/index.ts.
import { Level, Result, json, log, tool } from "../sdk/index";

function greeting(name: string): string {
  return "Hello, " + name + "!";
}

function handle(input: string): Result<string> {
  const request = json.parse(input);
  const given = request != null ? request.getString("name") : null;
  const name = given != null ? given : "world";
  log(Level.Info, "greeting " + name);
  return Result.ok<string>(
    json.Value.object().set("greeting", json.Value.string(greeting(name))).toString(),
  );
}

export function run(): i32 {
  return tool(handle);
}
