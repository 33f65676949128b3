// Single-key shortcuts must not fire while someone types or uses a modifier.
// Radio buttons and checkboxes take no text, so "1" then "r" on the focused
// verdict still resolves.
const typingInput = (el: Element) => el instanceof HTMLInputElement && !["radio", "checkbox", "button", "submit", "reset", "range", "color", "file"].includes(el.type);

export function isShortcut(e: KeyboardEvent, key: string): boolean {
  if (e.key !== key || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || e.isComposing) return false;
  const t = e.target;
  if (!(t instanceof HTMLElement)) return true;
  if (t.isContentEditable || t.closest("textarea, select, [contenteditable]")) return false;
  const input = t.closest("input");
  return !(input && typingInput(input));
}
