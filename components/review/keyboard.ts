// Single-key shortcuts must not fire while someone types or uses a modifier.
export function isShortcut(e: KeyboardEvent, key: string): boolean {
  if (e.key !== key || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || e.isComposing) return false;
  const t = e.target;
  if (!(t instanceof HTMLElement)) return true;
  return !(t.isContentEditable || t.closest("input, textarea, select, [contenteditable]"));
}
