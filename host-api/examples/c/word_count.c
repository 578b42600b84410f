/*
 * word_count: counts the words of its JSON input, keeps a running total per tenant in kv, and
 * outputs {"words":N,"total":T}. Needs the io, log and kv capabilities.
 *
 * Rebuild (from the repository root):
 *   clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry -Wl,--export-dynamic \
 *     -I host-api/include -o host-api/examples/c/word_count.wasm host-api/examples/c/word_count.c
 */
#include "infrafabric.h"

static char input[16384];
static char output[64];
static char total_text[16];

static int32_t format_u32(char *out, uint32_t value) {
  char digits[10];
  int32_t count = 0;
  do {
    digits[count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (int32_t i = 0; i < count; i++) {
    out[i] = digits[count - 1 - i];
  }
  return count;
}

static uint32_t parse_u32(const char *text, int32_t len) {
  uint32_t value = 0;
  for (int32_t i = 0; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
    value = value * 10 + (uint32_t)(text[i] - '0');
  }
  return value;
}

static int is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (unsigned char)c >= 0x80;
}

static int32_t append(char *out, int32_t at, const char *text) {
  while (*text) {
    out[at++] = *text++;
  }
  return at;
}

IF_EXPORT("run") int32_t run(void) {
  int32_t size = if_input_read(input, sizeof input);
  if (size < 0) {
    static const char too_big[] = "input larger than 16 KiB";
    if_log(IF_LOG_ERROR, too_big, sizeof too_big - 1);
    return 1;
  }

  uint32_t words = 0;
  int in_word = 0;
  for (int32_t i = 0; i < size; i++) {
    int letter = is_letter(input[i]);
    if (letter && !in_word) {
      words++;
    }
    in_word = letter;
  }

  static const char key[] = "total";
  uint32_t total = words;
  int32_t found = if_kv_get(key, sizeof key - 1);
  if (found > 0 && found <= (int32_t)sizeof total_text) {
    if_result_read(total_text, sizeof total_text);
    total += parse_u32(total_text, found);
  }
  int32_t total_len = format_u32(total_text, total);
  if (if_kv_put(key, sizeof key - 1, total_text, total_len) < 0) {
    static const char full[] = "kv quota reached; total not saved";
    if_log(IF_LOG_WARN, full, sizeof full - 1);
  }

  int32_t at = append(output, 0, "{\"words\":");
  at += format_u32(output + at, words);
  at = append(output, at, ",\"total\":");
  at += format_u32(output + at, total);
  at = append(output, at, "}");
  if_output_write(output, at);
  return 0;
}
