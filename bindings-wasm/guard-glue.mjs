// Type guards in wasm-bindgen's generated glue, so that no JS value crosses into the module
// with the wrong type. Without them a non-string where a string is expected (a number, a
// `Date`, an object) is passed to the allocator as a length of `undefined` and the module
// traps (`RuntimeError: memory access out of bounds`), which can leave it unusable; a typed
// array argument given as anything else does the same. Every string and array argument goes
// through one of the helpers patched here, so one check in each covers every entry point.
//
// The check throws the binding's own error shape: an `Error` named `WanggeError` with code
// `input.malformed` and details `{ expected, got }`.
//
// Usage: node guard-glue.mjs FILE...   (each FILE is wasm-bindgen's JS glue, patched in place;
// the build fails if a helper is not found exactly once, e.g. after a wasm-bindgen upgrade).
import { readFileSync, writeFileSync } from "node:fs";

const helper = `
function wanggeDescribe(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object") return \`an object (\${value?.constructor?.name ?? "Object"})\`;
    if (typeof value === "number") return \`the number \${value}\`;
    return \`a value of type \${typeof value}\`;
}

function wanggeTypeError(expected, value) {
    const got = wanggeDescribe(value);
    const error = new Error(\`malformed input: expected \${expected}, got \${got}\`);
    error.name = "WanggeError";
    error.code = "input.malformed";
    error.expected = expected;
    error.got = got;
    error.details = { message: error.message, expected, got };
    throw error;
}

function wanggeCheckArray(arg, Typed, expected) {
    if (arg instanceof Typed) return;
    if (Array.isArray(arg) && arg.every((x) => typeof x === "number")) return;
    wanggeTypeError(expected, arg);
}
`;

const guards = [
  ["function passStringToWasm0(arg, malloc, realloc) {",
    `if (typeof arg !== "string") wanggeTypeError("a string", arg);`],
  ["function passArray32ToWasm0(arg, malloc) {",
    `wanggeCheckArray(arg, Uint32Array, "a Uint32Array (or an array of numbers)");`],
  ["function passArray8ToWasm0(arg, malloc) {",
    `wanggeCheckArray(arg, Uint8Array, "a Uint8Array (or an array of numbers)");`],
  ["function passArrayF64ToWasm0(arg, malloc) {",
    `wanggeCheckArray(arg, Float64Array, "a Float64Array (or an array of numbers)");`],
  ["function passArrayJsValueToWasm0(array, malloc) {",
    `if (!Array.isArray(array)) wanggeTypeError("an array", array);`],
];

for (const file of process.argv.slice(2)) {
  let text = readFileSync(file, "utf8");
  for (const [head, check] of guards) {
    const count = text.split(head).length - 1;
    if (count !== 1) {
      throw new Error(`${file}: expected one \`${head}\`, found ${count}: update guard-glue.mjs`);
    }
    text = text.replace(head, `${head}\n    ${check}`);
  }
  text += helper;
  writeFileSync(file, text);
}
