// The esbuild recipe from the package README: the module imported as a file (`--loader:.wasm=file`),
// typed by the package's wasm.d.ts.
import init from "wangge";
import wasmUrl from "wangge/wangge_bg.wasm";
import { run, show } from "../app.js";

const url: string = wasmUrl;
await init({ module_or_path: url });
show(run());
