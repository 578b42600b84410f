// word_count: counts the words of its JSON input, keeps a running total per tenant in kv, and
// outputs {"words":N,"total":T}. Capabilities: io, log, kv.
import { AbiError, Level, Result, kv, log, tool } from "../assembly/index";

/** Words are runs of ASCII letters, digits and non-ASCII characters, as the C example counts. */
function countWords(text: string): i64 {
  let words: i64 = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const letter = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0x80;
    if (letter && !inWord) words++;
    inWord = letter;
  }
  return words;
}

function handle(input: string): Result<string> {
  const words = countWords(input);
  const stored = kv.get("total");
  if (!stored.isOk && stored.error != AbiError.NotFound) return Result.err<string>(stored.error);
  const total = words + (stored.isOk ? I64.parseInt(stored.value) : 0);
  const saved = kv.put("total", total.toString());
  if (saved == AbiError.QuotaExceeded) log(Level.Warn, "kv quota reached; total not saved");
  else if (saved != AbiError.None) return Result.err<string>(saved);
  return Result.ok<string>('{"words":' + words.toString() + ',"total":' + total.toString() + "}");
}

export function run(): i32 {
  return tool(handle);
}
