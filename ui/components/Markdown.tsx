import { parseMarkdown, type Inline } from "../lib/markdown.ts";

/** Renders the Markdown subset of lib/markdown.ts as elements (never as HTML). */
export function Markdown(props: { text: string; class?: string }) {
  return (
    <div class={`markdown ${props.class ?? ""}`}>
      {parseMarkdown(props.text).map((b, i) => {
        if (b.type === "heading") return b.level <= 3 ? <h4 key={i}><Inlines parts={b.inline} /></h4> : <h5 key={i}><Inlines parts={b.inline} /></h5>;
        if (b.type === "paragraph") return <p key={i}><Inlines parts={b.inline} /></p>;
        if (b.type === "code") return <pre key={i} class="md-code"><code>{b.text}</code></pre>;
        const items = b.items.map((item, j) => <li key={j}><Inlines parts={item} /></li>);
        return b.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
      })}
    </div>
  );
}

// --- Internal ---

function Inlines(props: { parts: Inline[] }) {
  return (
    <>
      {props.parts.map((p, i) =>
        p.type === "code" ? <code key={i}>{p.text}</code> : p.type === "strong" ? <strong key={i}>{p.text}</strong> : p.type === "em" ? <em key={i}>{p.text}</em> : p.text,
      )}
    </>
  );
}
