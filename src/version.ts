/** Replaced at build time by esbuild's `define` with package.json's version. */
declare const __LIGHTTRACE_VERSION__: string | undefined;

export const LIGHTTRACE_VERSION: string = typeof __LIGHTTRACE_VERSION__ === "string" ? __LIGHTTRACE_VERSION__ : "0.0.0-dev";
