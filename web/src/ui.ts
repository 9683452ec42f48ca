// A few DOM helpers: the app is small enough to need no framework.

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | ((e: Event) => void)> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(key, "");
    else if (value !== false) el.setAttribute(key, value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

export type Tone = "info" | "ok" | "error" | "busy";

/** Shows `text` in a status line (`role=status`, so tests and screen readers find it). */
export function say(el: HTMLElement, text: string, tone: Tone = "info"): void {
  el.textContent = text;
  el.className = `status ${tone}`;
}

/** A labelled value; `attrs` go on the value's element, with `testid` as its `data-testid`. */
export function row(label: string, value: Child, testid?: string, attrs: Record<string, string> = {}): HTMLElement {
  return h("div", { class: "row" }, h("span", { class: "label" }, label), h("span", testid ? { ...attrs, "data-testid": testid } : attrs, value));
}
