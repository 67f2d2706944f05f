import type { ComponentChildren, TargetedMouseEvent } from "preact";
import { navigate } from "../hooks/use-location.ts";

interface LinkProps { href: string; class?: string; title?: string; "aria-label"?: string; children?: ComponentChildren }

/** An `<a>` that navigates client-side on a plain click and behaves like a link otherwise (new tab, copy). */
export function Link(props: LinkProps) {
  const { href, children, ...rest } = props;
  const onClick = (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a {...rest} href={href} onClick={onClick}>{children}</a>;
}
