// The InfraFabric tool SDK for AssemblyScript: safe wrappers for every host function of ABI
// version 1 (import module "infrafabric"), typed errors and JSON, so that a tool is plain
// AssemblyScript. AssemblyScript has no exceptions: every call returns its error as a value.
//
//   import { Result, tool } from "@infrafabric/sdk";
//   function handle(input: string): Result<string> { return Result.ok<string>(input); }
//   export function run(): i32 { return tool(handle); }
//
// Build with the options in asconfig.json (runtime "stub": every invocation gets a fresh
// instance, so memory is never collected, only bounded by the contract's memory.maxPages, and
// "abort" traps instead of importing env.abort, which the chassis would refuse).

import * as host from "./host";
import * as json from "./json";

export { json };

/** Negative results of host functions; the values are part of the ABI and never change. */
export enum AbiError {
  None = 0,
  InvalidArgument = -1,
  NotFound = -2,
  BufferTooSmall = -3,
  QuotaExceeded = -4,
  Denied = -5,
  Timeout = -6,
  Unavailable = -7,
  TooLarge = -8,
  RequestLimit = -9,
  NoResult = -10,
  BudgetDenied = -11,
  ModelNotAllowed = -12,
  CredentialNotGranted = -13,
  ProviderUnavailable = -14,
}

const NAMES: string[] = [
  "NONE",
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "BUFFER_TOO_SMALL",
  "QUOTA_EXCEEDED",
  "DENIED",
  "TIMEOUT",
  "UNAVAILABLE",
  "TOO_LARGE",
  "REQUEST_LIMIT",
  "NO_RESULT",
  "BUDGET_DENIED",
  "MODEL_NOT_ALLOWED",
  "CREDENTIAL_NOT_GRANTED",
  "PROVIDER_UNAVAILABLE",
];

/** The ABI name of `error`, e.g. "BUDGET_DENIED", as the host writes it in error JSON. */
export function errorName(error: AbiError): string {
  const index = -(<i32>error);
  return index >= 0 && index < NAMES.length ? NAMES[index] : "UNKNOWN(" + error.toString() + ")";
}

/** A value or the error that prevented it, with an optional message. */
export class Result<T> {
  private constructor(
    private _value: T | null,
    public readonly error: AbiError,
    public readonly message: string,
  ) {}

  static ok<T>(value: T): Result<T> {
    return new Result<T>(value, AbiError.None, "");
  }

  static err<T>(error: AbiError, message: string = ""): Result<T> {
    return new Result<T>(null, error, message);
  }

  get isOk(): bool {
    return this.error == AbiError.None;
  }

  /** The value; traps if this is an error (check isOk first). */
  get value(): T {
    return this._value!;
  }
}

/** Abort handler selected by asconfig.json ("use": "abort=..."): traps the tool. */
export function abort(message: string | null, file: string | null, line: u32, column: u32): void {
  unreachable();
}

function utf8(text: string): ArrayBuffer {
  return String.UTF8.encode(text);
}

function code(result: i32): AbiError {
  return result < 0 ? <AbiError>result : AbiError.None;
}

/** Copies the pending result of the last producing call, whose length it returned. */
function takeResult(len: i32): ArrayBuffer {
  const buffer = new ArrayBuffer(len);
  const copied = host.result_read(changetype<usize>(buffer), len);
  return copied == len ? buffer : buffer.slice(0, max(copied, 0));
}

/** The pending error JSON beside a negative llm_complete, growing the buffer up to 1 MiB. */
function takePending(): json.Value | null {
  for (let size = 4096; size <= 1 << 20; size *= 4) {
    const buffer = new ArrayBuffer(size);
    const copied = host.result_read(changetype<usize>(buffer), size);
    if (copied >= 0) return json.parse(String.UTF8.decode(buffer.slice(0, copied)));
    if (copied != AbiError.BufferTooSmall) return null;
  }
  return null;
}

// ---- io -------------------------------------------------------------------------------------

/** The invocation's JSON input as text. */
export function input(): string {
  const size = host.input_size();
  const buffer = new ArrayBuffer(size);
  host.input_read(changetype<usize>(buffer), size);
  return String.UTF8.decode(buffer);
}

/** Appends to the output; past output.maxBytes the host stops the tool (OUTPUT_LIMIT). */
export function output(text: string): AbiError {
  const bytes = utf8(text);
  return code(host.output_write(changetype<usize>(bytes), bytes.byteLength));
}

/**
 * Runs `handler` as the tool's entry point: export `function run(): i32 { return tool(h); }`.
 * An ok result becomes the output (status 0, outcome SUCCESS); an error becomes the output
 * {"error": NAME, "message": ...} with the error's negative code as status (TOOL_ERROR).
 */
export function tool(handler: (input: string) => Result<string>): i32 {
  const result = handler(input());
  if (result.isOk) {
    return output(result.value) == AbiError.None ? 0 : 1;
  }
  const error = json.Value.object()
    .set("error", json.Value.string(errorName(result.error)))
    .set("message", json.Value.string(result.message));
  output(error.toString());
  return result.error == AbiError.None ? 1 : <i32>result.error;
}

// ---- log ------------------------------------------------------------------------------------

export enum Level {
  Debug = 0,
  Info = 1,
  Warn = 2,
  Error = 3,
}

/** Logs `message`; past log.maxBytes the host stops the tool (LOG_LIMIT). Capability log. */
export function log(level: Level, message: string): AbiError {
  const bytes = utf8(message);
  return code(host.log(<i32>level, changetype<usize>(bytes), bytes.byteLength));
}

// ---- kv -------------------------------------------------------------------------------------

/** Capability kv: a namespace per tenant and tool; keys are 1 to 256 bytes of visible ASCII. */
export namespace kv {
  /** The value of `key`; error NotFound if it is not stored. */
  export function get(key: string): Result<string> {
    const k = utf8(key);
    const len = host.kv_get(changetype<usize>(k), k.byteLength);
    if (len < 0) return Result.err<string>(<AbiError>len);
    return Result.ok<string>(String.UTF8.decode(takeResult(len)));
  }

  /** Stores `value` under `key`; QuotaExceeded stores nothing. */
  export function put(key: string, value: string): AbiError {
    const k = utf8(key);
    const v = utf8(value);
    return code(
      host.kv_put(changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength),
    );
  }

  /** Removes `key`; NotFound if it was not stored. */
  export function remove(key: string): AbiError {
    const k = utf8(key);
    return code(host.kv_delete(changetype<usize>(k), k.byteLength));
  }

  /** The keys starting with `prefix` (empty for all), sorted. */
  export function list(prefix: string): Result<string[]> {
    const p = utf8(prefix);
    const len = host.kv_list(changetype<usize>(p), p.byteLength);
    if (len < 0) return Result.err<string[]>(<AbiError>len);
    const keys = json.parse(String.UTF8.decode(takeResult(len)));
    if (keys == null || keys.kind != json.Kind.Array) {
      return Result.err<string[]>(AbiError.InvalidArgument);
    }
    const names = new Array<string>(keys.items.length);
    for (let i = 0; i < keys.items.length; i++) names[i] = keys.items[i].text;
    return Result.ok<string[]>(names);
  }
}

// ---- http -----------------------------------------------------------------------------------

/** Capability http: requests to the contract's allow-list, credentials injected by the host. */
export namespace http {
  export class Request {
    headers: json.Value = json.Value.object();
    body: string | null = null;

    constructor(
      public method: string,
      public url: string,
    ) {}

    static get(url: string): Request {
      return new Request("GET", url);
    }

    header(name: string, value: string): Request {
      this.headers.set(name, json.Value.string(value));
      return this;
    }

    withBody(text: string): Request {
      this.body = text;
      return this;
    }

    /** The request JSON the host reads. */
    toJson(): string {
      const request = json.Value.object()
        .set("method", json.Value.string(this.method))
        .set("url", json.Value.string(this.url))
        .set("headers", this.headers);
      const body = this.body;
      if (body != null) request.set("body", json.Value.string(body));
      return request.toString();
    }
  }

  /** Header names are lowercase; with a credential, its secret is redacted from the answer. */
  export class Response {
    constructor(
      public status: i32,
      public headers: json.Value,
      public body: string,
    ) {}

    header(name: string): string | null {
      return this.headers.getString(name.toLowerCase());
    }
  }

  function response(len: i32): Result<Response> {
    if (len < 0) return Result.err<Response>(<AbiError>len);
    const value = json.parse(String.UTF8.decode(takeResult(len)));
    if (value == null) return Result.err<Response>(AbiError.InvalidArgument);
    const headers = value.get("headers");
    const body = value.getString("body");
    return Result.ok<Response>(
      new Response(
        <i32>value.getInteger("status", 0),
        headers != null ? headers : json.Value.object(),
        body != null ? body : "",
      ),
    );
  }

  /** Sends `request`: Denied, Timeout, TooLarge, RequestLimit or Unavailable on failure. */
  export function send(request: Request): Result<Response> {
    const r = utf8(request.toJson());
    return response(host.http_request(changetype<usize>(r), r.byteLength));
  }

  /**
   * Sends `request` with the operator's credential `name` added by the host: needs it in the
   * contract's http.credentials and the grant (CredentialNotGranted), and in the vault (NotFound).
   */
  export function sendWithCredential(name: string, request: Request): Result<Response> {
    const n = utf8(name);
    const r = utf8(request.toJson());
    return response(
      host.http_request_with_credential(
        changetype<usize>(n),
        n.byteLength,
        changetype<usize>(r),
        r.byteLength,
      ),
    );
  }
}

// ---- llm ------------------------------------------------------------------------------------

/** Capability llm: chat completions reserved and charged through the governor, under a grant. */
export namespace llm {
  export class Request {
    messages: json.Value[] = [];

    constructor(
      public model: string,
      public maxTokens: i32,
    ) {}

    /** Adds a message; roles are system, user and assistant. */
    message(role: string, content: string): Request {
      this.messages.push(
        json.Value.object()
          .set("role", json.Value.string(role))
          .set("content", json.Value.string(content)),
      );
      return this;
    }

    toJson(): string {
      return json.Value.object()
        .set("model", json.Value.string(this.model))
        .set("messages", json.Value.array(this.messages))
        .set("max_tokens", json.Value.number(this.maxTokens))
        .toString();
    }
  }

  /** A completed call; costs in micro-dollars. */
  export class Completion {
    constructor(
      public model: string,
      public content: string,
      public finishReason: string,
      public inputTokens: i64,
      public outputTokens: i64,
      public costMicros: i64,
      public remainingMicros: i64,
    ) {}
  }

  /** The outcome of a call: a completion, or a refusal (nothing was spent). */
  export class Outcome {
    constructor(
      public completion: Completion | null,
      public error: AbiError,
      public message: string,
      /** -1 unless the refusal is about budget. */
      public remainingMicros: i64,
    ) {}

    get isOk(): bool {
      return this.error == AbiError.None;
    }
  }

  export function complete(request: Request): Outcome {
    const r = utf8(request.toJson());
    const len = host.llm_complete(changetype<usize>(r), r.byteLength);
    if (len < 0) {
      const error = takePending();
      if (error == null) return new Outcome(null, <AbiError>len, "", -1);
      const message = error.getString("message");
      return new Outcome(
        null,
        <AbiError>len,
        message != null ? message : "",
        error.getInteger("remaining_micros", -1),
      );
    }
    const v = json.parse(String.UTF8.decode(takeResult(len)));
    if (v == null) return new Outcome(null, AbiError.InvalidArgument, "unreadable completion", -1);
    const usage = v.get("usage");
    const model = v.getString("model");
    const content = v.getString("content");
    const finish = v.getString("finish_reason");
    const completion = new Completion(
      model != null ? model : "",
      content != null ? content : "",
      finish != null ? finish : "",
      usage != null ? usage.getInteger("input_tokens", 0) : 0,
      usage != null ? usage.getInteger("output_tokens", 0) : 0,
      v.getInteger("cost_micros", 0),
      v.getInteger("remaining_micros", 0),
    );
    return new Outcome(completion, AbiError.None, "", -1);
  }
}
