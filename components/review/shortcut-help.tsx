"use client";
// "?" opens the list of keyboard shortcuts (Esc closes it), and j/k move the
// focus between the item page's sections, so a reviewer can read an item
// without the mouse.
import { useEffect, useRef } from "react";
import { isShortcut } from "@/components/review/keyboard";

const shortcuts: [string, string][] = [
  ["j / k", "next / previous item in the queue; next / previous section on an item"],
  ["Enter", "open the focused item"],
  ["x", "select the focused item (leads, for bulk actions)"],
  ["c", "claim the next item"],
  ["1 – 5", "verdict: harmful, incorrect, privacy, benign, false refusal"],
  ["r", "resolve with the chosen verdict"],
  ["e", "escalate to a lead"],
  ["Ctrl / ⌘ + Enter", "resolve and go to the next item (works while typing)"],
  ["?", "this list"],
];

export function ShortcutHelp() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // "?" is Shift+/ on most layouts: isShortcut compares the produced key and ignores Shift.
      if (isShortcut(e, "?")) {
        e.preventDefault();
        const d = dialog.current;
        if (d?.open) d.close();
        else d?.showModal();
        return;
      }
      const down = isShortcut(e, "j");
      if (!down && !isShortcut(e, "k")) return;
      const sections = [...document.querySelectorAll<HTMLElement>("[data-review-section]")];
      if (!sections.length) return;
      e.preventDefault();
      const current = sections.findIndex((s) => s === document.activeElement || s.contains(document.activeElement));
      const next = current < 0 ? 0 : Math.min(Math.max(current + (down ? 1 : -1), 0), sections.length - 1);
      sections[next]!.focus();
      sections[next]!.scrollIntoView({ block: "nearest" });
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()} aria-keyshortcuts="?" className="text-sm text-slate-600 underline">
        Keyboard shortcuts <kbd className="font-mono">?</kbd>
      </button>
      <dialog ref={dialog} aria-labelledby="shortcut-title" className="m-auto max-w-md rounded-lg p-5 shadow-xl backdrop:bg-slate-900/40">
        <h2 id="shortcut-title" className="mb-3 text-base font-semibold">
          Keyboard shortcuts
        </h2>
        <p className="mb-3 text-xs text-slate-600">Single keys do nothing while you type in a field.</p>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
          {shortcuts.map(([k, v]) => (
            <div key={k} className="contents">
              <dt>
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs">{k}</kbd>
              </dt>
              <dd className="text-slate-700">{v}</dd>
            </div>
          ))}
        </dl>
        <form method="dialog" className="mt-4 text-right">
          <button className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">Close</button>
        </form>
      </dialog>
    </>
  );
}
