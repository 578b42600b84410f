// A small JSON value type: enough to read a tool's input and the host's answers, and to write
// output. Numbers keep their text, so integers (micro-dollars, token counts) are read exactly.

/** Nesting deeper than this is refused, so a hostile document cannot exhaust the stack. */
const MAX_DEPTH = 128;

export enum Kind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

/** A JSON value. Objects keep their members in document order. */
export class Value {
  kind: Kind = Kind.Null;
  bool: bool = false;
  /** The number as written, or the string's text. */
  text: string = "";
  items: Value[] = [];
  keys: string[] = [];

  static null(): Value {
    return new Value();
  }

  static bool(value: bool): Value {
    const v = new Value();
    v.kind = Kind.Bool;
    v.bool = value;
    return v;
  }

  static number(value: i64): Value {
    const v = new Value();
    v.kind = Kind.Number;
    v.text = value.toString();
    return v;
  }

  static string(text: string): Value {
    const v = new Value();
    v.kind = Kind.String;
    v.text = text;
    return v;
  }

  static array(items: Value[]): Value {
    const v = new Value();
    v.kind = Kind.Array;
    v.items = items;
    return v;
  }

  static object(): Value {
    const v = new Value();
    v.kind = Kind.Object;
    return v;
  }

  /** Adds a member to an object; returns the object. */
  set(key: string, value: Value): Value {
    this.keys.push(key);
    this.items.push(value);
    return this;
  }

  /** The member `key` of an object, or null. */
  get(key: string): Value | null {
    if (this.kind != Kind.Object) return null;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) return this.items[i];
    }
    return null;
  }

  /** The string member `key`, or null. */
  getString(key: string): string | null {
    const member = this.get(key);
    return member != null && member.kind == Kind.String ? member.text : null;
  }

  /** The integer member `key` (no fraction or exponent), or `fallback`. */
  getInteger(key: string, fallback: i64): i64 {
    const member = this.get(key);
    if (member == null || member.kind != Kind.Number || !isInteger(member.text)) return fallback;
    return I64.parseInt(member.text);
  }

  /** Compact JSON. */
  toString(): string {
    switch (this.kind) {
      case Kind.Null:
        return "null";
      case Kind.Bool:
        return this.bool ? "true" : "false";
      case Kind.Number:
        return this.text;
      case Kind.String:
        return quote(this.text);
      case Kind.Array: {
        const parts = new Array<string>(this.items.length);
        for (let i = 0; i < this.items.length; i++) parts[i] = this.items[i].toString();
        return "[" + parts.join(",") + "]";
      }
      default: {
        const parts = new Array<string>(this.items.length);
        for (let i = 0; i < this.items.length; i++) {
          parts[i] = quote(this.keys[i]) + ":" + this.items[i].toString();
        }
        return "{" + parts.join(",") + "}";
      }
    }
  }
}

function isInteger(text: string): bool {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 48 && c <= 57) && !(i == 0 && c == 45)) return false;
  }
  return text.length > 0 && text.length <= 19;
}

/** The JSON string literal for `text`. */
export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 34) out += '\\"';
    else if (c == 92) out += "\\\\";
    else if (c == 10) out += "\\n";
    else if (c == 13) out += "\\r";
    else if (c == 9) out += "\\t";
    else if (c < 0x20) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

/** Parses one JSON document; null if it is not JSON (or nested deeper than 128). */
export function parse(text: string): Value | null {
  const parser = new Parser(text);
  const value = parser.value(0);
  if (value == null) return null;
  parser.skipWhitespace();
  return parser.at == text.length ? value : null;
}

class Parser {
  at: i32 = 0;
  constructor(public text: string) {}

  peek(): i32 {
    return this.at < this.text.length ? this.text.charCodeAt(this.at) : -1;
  }

  skipWhitespace(): void {
    let c = this.peek();
    while (c == 32 || c == 9 || c == 10 || c == 13) {
      this.at++;
      c = this.peek();
    }
  }

  nextIs(c: i32): bool {
    this.skipWhitespace();
    if (this.peek() != c) return false;
    this.at++;
    return true;
  }

  value(depth: i32): Value | null {
    if (depth > MAX_DEPTH) return null;
    this.skipWhitespace();
    const c = this.peek();
    if (c == 123) return this.object(depth);
    if (c == 91) return this.array(depth);
    if (c == 34) {
      const text = this.string();
      return text == null ? null : Value.string(text);
    }
    if (c == 45 || (c >= 48 && c <= 57)) return this.number();
    if (this.literal("true")) return Value.bool(true);
    if (this.literal("false")) return Value.bool(false);
    if (this.literal("null")) return Value.null();
    return null;
  }

  literal(word: string): bool {
    if (this.text.substr(this.at, word.length) != word) return false;
    this.at += word.length;
    return true;
  }

  object(depth: i32): Value | null {
    this.at++;
    const object = Value.object();
    if (this.nextIs(125)) return object;
    while (true) {
      this.skipWhitespace();
      if (this.peek() != 34) return null;
      const key = this.string();
      if (key == null || !this.nextIs(58)) return null;
      const member = this.value(depth + 1);
      if (member == null) return null;
      object.set(key, member);
      if (!this.nextIs(44)) return this.nextIs(125) ? object : null;
    }
  }

  array(depth: i32): Value | null {
    this.at++;
    const items = new Array<Value>();
    if (this.nextIs(93)) return Value.array(items);
    while (true) {
      const item = this.value(depth + 1);
      if (item == null) return null;
      items.push(item);
      if (!this.nextIs(44)) return this.nextIs(93) ? Value.array(items) : null;
    }
  }

  digits(): i32 {
    const start = this.at;
    let c = this.peek();
    while (c >= 48 && c <= 57) {
      this.at++;
      c = this.peek();
    }
    return this.at - start;
  }

  number(): Value | null {
    const start = this.at;
    if (this.peek() == 45) this.at++;
    if (this.digits() == 0) return null;
    if (this.peek() == 46) {
      this.at++;
      if (this.digits() == 0) return null;
    }
    if (this.peek() == 101 || this.peek() == 69) {
      this.at++;
      if (this.peek() == 43 || this.peek() == 45) this.at++;
      if (this.digits() == 0) return null;
    }
    const v = new Value();
    v.kind = Kind.Number;
    v.text = this.text.substring(start, this.at);
    return v;
  }

  string(): string | null {
    this.at++;
    let out = "";
    while (true) {
      const c = this.peek();
      if (c == -1 || c < 0x20) return null;
      this.at++;
      if (c == 34) return out;
      if (c != 92) {
        out += String.fromCharCode(c);
        continue;
      }
      const e = this.peek();
      this.at++;
      if (e == 34) out += '"';
      else if (e == 92) out += "\\";
      else if (e == 47) out += "/";
      else if (e == 98) out += "\b";
      else if (e == 102) out += "\f";
      else if (e == 110) out += "\n";
      else if (e == 114) out += "\r";
      else if (e == 116) out += "\t";
      else if (e == 117) {
        const hex = this.text.substr(this.at, 4);
        if (hex.length != 4 || !isHex(hex)) return null;
        this.at += 4;
        out += String.fromCharCode(<i32>I32.parseInt(hex, 16));
      } else return null;
    }
  }
}

function isHex(text: string): bool {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
