// http_fetch: fetches {"url": "...", "credential": "name"} with GET, the operator's credential
// injected by the host, and outputs {"status": n, "body": "..."}. The tool never sees the secret.
// Capabilities: io, http with http.credentials; invoked under a grant naming the credential.
import { AbiError, Result, http, json, tool } from "../assembly/index";

function handle(input: string): Result<string> {
  const request = json.parse(input);
  const url = request != null ? request.getString("url") : null;
  const credential = request != null ? request.getString("credential") : null;
  if (url == null || credential == null) {
    return Result.err<string>(AbiError.InvalidArgument, 'input needs strings "url" and "credential"');
  }
  const response = http.sendWithCredential(
    credential,
    http.Request.get(url).header("accept", "application/json"),
  );
  if (!response.isOk) return Result.err<string>(response.error, "fetch failed");
  return Result.ok<string>(
    json.Value.object()
      .set("status", json.Value.number(response.value.status))
      .set("body", json.Value.string(response.value.body))
      .toString(),
  );
}

export function run(): i32 {
  return tool(handle);
}
