/* ${name}: an InfraFabric tool. Input {"name": "..."} (or anything); output {"greeting": ...}.
 * Needs the io and log capabilities. The ABI is in include/infrafabric.h. */
#include "infrafabric.h"

static char input[4096];
static char output[4200];

static int32_t append(char *out, int32_t at, const char *text, int32_t len) {
  for (int32_t i = 0; i < len; i++) {
    out[at++] = text[i];
  }
  return at;
}

/* The value of "name" when the input is {"name":"..."} with no escapes; else "world". */
static int32_t find_name(const char *json, int32_t size, const char **name) {
  static const char key[] = "\"name\":\"";
  for (int32_t i = 0; i + (int32_t)sizeof key - 1 <= size; i++) {
    int32_t k = 0;
    while (k < (int32_t)sizeof key - 1 && json[i + k] == key[k]) {
      k++;
    }
    if (k == (int32_t)sizeof key - 1) {
      int32_t start = i + k, end = start;
      while (end < size && json[end] != '"' && json[end] != '\\') {
        end++;
      }
      if (end < size && json[end] == '"') {
        *name = json + start;
        return end - start;
      }
    }
  }
  *name = "world";
  return 5;
}

IF_EXPORT("run") int32_t run(void) {
  int32_t size = if_input_read(input, sizeof input);
  if (size < 0) {
    static const char too_big[] = "input larger than 4 KiB";
    if_log(IF_LOG_ERROR, too_big, sizeof too_big - 1);
    return 1;
  }
  const char *name;
  int32_t len = find_name(input, size, &name);
  static const char greeting[] = "greeting";
  if_log(IF_LOG_INFO, greeting, sizeof greeting - 1);
  int32_t at = append(output, 0, "{\"greeting\":\"Hello, ", 20);
  at = append(output, at, name, len);
  at = append(output, at, "!\"}", 3);
  if_output_write(output, at);
  return 0;
}
