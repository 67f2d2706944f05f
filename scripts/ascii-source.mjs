// V8 keeps a script's whole source text alive (functions compile lazily from it), and one
// character above U+00FF makes it a two-byte string: our 3 MB bundle, for a "…" in a regex
// literal, held 6 MB of heap in every process. esbuild escapes non-ASCII in strings but not in
// regex literals and comments, so the bundles are escaped once more here: each non-ASCII UTF-16
// code unit becomes \uXXXX, which means the same in a regex, a string, a template or an identifier
// (and is inert in a comment). Shared by build.mjs, scripts/build-binary.mjs and worker-sources.mjs.

/** The source with every non-ASCII code unit written as a \uXXXX escape. */
export function asciiSource(text, name) {
  return text.replace(/[^\x00-\x7f]/g, (ch, offset) => {
    // after a backslash the escape would read as an escaped "\" followed by "uXXXX"
    if (text[offset - 1] === "\\") throw new Error(`${name}: a backslash before a non-ASCII character at offset ${offset}; cannot escape it`);
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
