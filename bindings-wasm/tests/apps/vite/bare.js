// `await init()` with no argument: Vite's build finds `new URL("wangge_bg.wasm",
// import.meta.url)` in the glue and emits the module as an asset.
import init from "wangge";
import { run, show } from "../app.js";

await init();
show(run());
