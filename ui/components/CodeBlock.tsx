import { useState } from "preact/hooks";

/** Preformatted code with a copy button (the Clipboard API needs a secure context; localhost is one). */
export function CodeBlock(props: { code: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.code);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="code-block">
      {props.label && <span class="code-label">{props.label}</span>}
      <button type="button" class="copy" onClick={copy} aria-label="Copy to clipboard">{copied ? "Copied" : "Copy"}</button>
      <pre><code>{props.code}</code></pre>
    </div>
  );
}
