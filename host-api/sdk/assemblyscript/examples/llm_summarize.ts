// llm_summarize: summarizes {"text": "...", "model": "..."} with one chat completion and outputs
// {"summary": "...", "source": "model", "cost_micros": n, "remaining_micros": n}. When the budget
// has no room for the call (BUDGET_DENIED) it still answers, with the text's first sentence and
// "source": "extractive": nothing was spent. Capabilities: io, llm; invoked under a grant.
import { AbiError, Result, json, llm, tool } from "../assembly/index";

const MAX_TOKENS = 128;

/** The first sentence (up to and including the first '.', '!' or '?'), or the whole text. */
function firstSentence(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 46 || c == 33 || c == 63) return text.substring(0, i + 1);
  }
  return text;
}

function handle(input: string): Result<string> {
  const request = json.parse(input);
  const text = request != null ? request.getString("text") : null;
  if (text == null) return Result.err<string>(AbiError.InvalidArgument, 'input needs a string "text"');
  const given = request!.getString("model");
  const model = given != null ? given : "gpt-4o-mini";
  const outcome = llm.complete(
    new llm.Request(model, MAX_TOKENS)
      .message("system", "Summarize in one sentence.")
      .message("user", text),
  );
  if (outcome.isOk) {
    const done = outcome.completion!;
    return Result.ok<string>(
      json.Value.object()
        .set("summary", json.Value.string(done.content))
        .set("source", json.Value.string("model"))
        .set("cost_micros", json.Value.number(done.costMicros))
        .set("remaining_micros", json.Value.number(done.remainingMicros))
        .toString(),
    );
  }
  if (outcome.error != AbiError.BudgetDenied) {
    return Result.err<string>(outcome.error, outcome.message);
  }
  return Result.ok<string>(
    json.Value.object()
      .set("summary", json.Value.string(firstSentence(text)))
      .set("source", json.Value.string("extractive"))
      .set("remaining_micros", json.Value.number(outcome.remainingMicros))
      .toString(),
  );
}

export function run(): i32 {
  return tool(handle);
}
