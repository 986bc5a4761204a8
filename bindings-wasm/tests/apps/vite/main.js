// The Vite recipe from the package README: the module's URL from a `?url` import.
import init from "wangge";
import wasmUrl from "wangge/wangge_bg.wasm?url";
import { run, show } from "../app.js";

await init({ module_or_path: wasmUrl });
show(run());
