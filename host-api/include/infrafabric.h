/*
 * infrafabric.h - the InfraFabric tool ABI, version 1, for C guests.
 *
 * A tool is a WebAssembly module that exports its linear memory as "memory" and a function
 * "run" returning 0 on success. It reads its JSON input and writes its JSON output through the
 * host functions below, all imported from the module "infrafabric". Importing a function whose
 * capability the tool's signed contract does not grant makes registration fail: nothing runs.
 *
 * Every function returns an int32_t: zero or a positive count on success, a negative
 * IF_ERR_* code otherwise. A pointer/length pair that does not lie entirely inside linear
 * memory is not an error code: the host stops the tool (outcome TRAP).
 *
 * Build (clang 14 with lld, no libc):
 *   clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry -Wl,--export-dynamic \
 *     -I host-api/include -o tool.wasm tool.c
 */
#ifndef INFRAFABRIC_H
#define INFRAFABRIC_H

#include <stdint.h>

#define IF_IMPORT(name) __attribute__((import_module("infrafabric"), import_name(name)))
#define IF_EXPORT(name) __attribute__((export_name(name)))

/* Error codes: stable values, part of the ABI. */
enum {
  IF_ERR_INVALID_ARGUMENT = -1, /* malformed argument: bad key, bad level, invalid JSON */
  IF_ERR_NOT_FOUND = -2,        /* no such key */
  IF_ERR_BUFFER_TOO_SMALL = -3, /* destination too small; nothing copied */
  IF_ERR_QUOTA_EXCEEDED = -4,   /* kv byte or key quota reached; nothing stored */
  IF_ERR_DENIED = -5,           /* destination or header not allowed */
  IF_ERR_TIMEOUT = -6,          /* outbound operation timed out */
  IF_ERR_UNAVAILABLE = -7,      /* backend or peer unreachable; may work later */
  IF_ERR_TOO_LARGE = -8,        /* response above its cap; discarded */
  IF_ERR_REQUEST_LIMIT = -9,    /* per-invocation request count used up */
  IF_ERR_NO_RESULT = -10,       /* result_read with no pending result */
  IF_ERR_BUDGET_DENIED = -11,   /* no budget for the call; result JSON has remaining_micros */
  IF_ERR_MODEL_NOT_ALLOWED = -12,      /* model not in both the contract and the grant */
  IF_ERR_CREDENTIAL_NOT_GRANTED = -13, /* credential not granted, or origin not allowed for it */
  IF_ERR_PROVIDER_UNAVAILABLE = -14    /* model provider failing; nothing was spent */
};

/* Log levels for if_log. */
enum { IF_LOG_DEBUG = 0, IF_LOG_INFO = 1, IF_LOG_WARN = 2, IF_LOG_ERROR = 3 };

/* Capability "io". */

/* Size of the JSON input in bytes. */
IF_IMPORT("input_size") int32_t if_input_size(void);
/* Copies the whole input to buf; returns its size, or IF_ERR_BUFFER_TOO_SMALL. */
IF_IMPORT("input_read") int32_t if_input_read(void *buf, int32_t len);
/* Appends len bytes to the output; 0. Past the output limit the tool is stopped (OUTPUT_LIMIT). */
IF_IMPORT("output_write") int32_t if_output_write(const void *buf, int32_t len);
/* Copies the pending result of the last kv_get, kv_list, http_request(_with_credential) or
 * llm_complete; returns its size. */
IF_IMPORT("result_read") int32_t if_result_read(void *buf, int32_t len);

/* Capability "log". Past the log limit the tool is stopped (LOG_LIMIT). */
IF_IMPORT("log") int32_t if_log(int32_t level, const char *message, int32_t len);

/*
 * Capability "kv": a namespace per tenant and tool. Keys are 1 to 256 bytes of visible ASCII
 * (0x21 to 0x7E). Values are bytes.
 */
/* Looks a key up; returns the value length (value pending for if_result_read) or NOT_FOUND. */
IF_IMPORT("kv_get") int32_t if_kv_get(const char *key, int32_t key_len);
/* Stores a value; 0 or QUOTA_EXCEEDED. */
IF_IMPORT("kv_put")
int32_t if_kv_put(const char *key, int32_t key_len, const void *value, int32_t value_len);
/* Deletes a key; 0 or NOT_FOUND. */
IF_IMPORT("kv_delete") int32_t if_kv_delete(const char *key, int32_t key_len);
/* Lists keys with a prefix as a sorted JSON array of strings (pending); returns its length. */
IF_IMPORT("kv_list") int32_t if_kv_list(const char *prefix, int32_t prefix_len);

/*
 * Capability "http": request is JSON {"method","url","headers":{...},"body":"text"}; the
 * response {"status":n,"headers":{...},"body":"text"} is pending; returns its length.
 * Destinations must match the contract's allow-list; Host and hop-by-hop headers are refused.
 */
IF_IMPORT("http_request") int32_t if_http_request(const char *request, int32_t len);

/*
 * Capability "http" with a credential the contract lists in http.credentials and the grant names:
 * like if_http_request, with the operator's credential header added by the host. The secret never
 * reaches the tool: it is redacted from the response, redirects to another origin are not
 * followed, and only origins the credential allows receive it. IF_ERR_CREDENTIAL_NOT_GRANTED if
 * the credential or the destination is not granted, IF_ERR_NOT_FOUND if it is not stored.
 */
IF_IMPORT("http_request_with_credential")
int32_t if_http_request_with_credential(const char *name, int32_t name_len, const char *request,
                                        int32_t len);

/*
 * Capability "llm" (invoked under a grant): request is JSON
 * {"model","messages":[{"role","content"}],"max_tokens"}. The cost is reserved through the
 * governor before the provider is called and the actual usage charged after. The result slot
 * always holds JSON: the completion {"model","content","finish_reason","usage","cost_micros",
 * "remaining_micros"} with a positive return (its length), or {"error","message",
 * "remaining_micros"} with a negative IF_ERR_* (read it with if_result_read).
 */
IF_IMPORT("llm_complete") int32_t if_llm_complete(const char *request, int32_t len);

#endif /* INFRAFABRIC_H */
