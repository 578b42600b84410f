// The raw imports of module "infrafabric" (ABI version 1). All parameters and results are i32;
// a negative result is an AbiError code.

@external("infrafabric", "input_size")
export declare function input_size(): i32;
@external("infrafabric", "input_read")
export declare function input_read(ptr: usize, len: i32): i32;
@external("infrafabric", "output_write")
export declare function output_write(ptr: usize, len: i32): i32;
@external("infrafabric", "result_read")
export declare function result_read(ptr: usize, len: i32): i32;
@external("infrafabric", "log")
export declare function log(level: i32, ptr: usize, len: i32): i32;
@external("infrafabric", "kv_get")
export declare function kv_get(keyPtr: usize, keyLen: i32): i32;
@external("infrafabric", "kv_put")
export declare function kv_put(keyPtr: usize, keyLen: i32, valPtr: usize, valLen: i32): i32;
@external("infrafabric", "kv_delete")
export declare function kv_delete(keyPtr: usize, keyLen: i32): i32;
@external("infrafabric", "kv_list")
export declare function kv_list(prefixPtr: usize, prefixLen: i32): i32;
@external("infrafabric", "http_request")
export declare function http_request(reqPtr: usize, reqLen: i32): i32;
@external("infrafabric", "http_request_with_credential")
export declare function http_request_with_credential(
  namePtr: usize,
  nameLen: i32,
  reqPtr: usize,
  reqLen: i32,
): i32;
@external("infrafabric", "llm_complete")
export declare function llm_complete(reqPtr: usize, reqLen: i32): i32;
