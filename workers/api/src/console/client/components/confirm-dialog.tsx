import type { Child } from "hono/jsx";
import { useEffect, useRef } from "hono/jsx/dom";
import { Button } from "./button";

type Props = {
  title: string;
  children: Child;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
};

/**
 * A confirmation in a native modal <dialog>: showModal() traps focus inside it and Escape
 * cancels; focus starts on Cancel (the safe choice) and the opener regains it on close
 * (the browser restores focus to the element that had it before showModal).
 */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLButtonElement>("button.btn-secondary")?.focus();
    const cancel = (e: Event) => {
      e.preventDefault();
      onCancel();
    };
    dialog.addEventListener("cancel", cancel);
    return () => {
      dialog.removeEventListener("cancel", cancel);
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title">
      <h2 id="confirm-title">{title}</h2>
      <div class="confirm-body">{children}</div>
      <div class="actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="danger" onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
