import type { Child } from "hono/jsx";

type Props = {
  children: Child;
  onClick?: () => void;
  type?: "button" | "submit";
  variant?: "primary" | "secondary" | "danger";
  disabled?: boolean;
  label?: string;
};

/** A native button (keyboard and focus for free); the variant is only its colour. */
export function Button({ children, onClick, type = "button", variant = "secondary", disabled, label }: Props) {
  return (
    <button type={type} class={`btn btn-${variant}`} onClick={onClick} disabled={disabled} aria-label={label}>
      {children}
    </button>
  );
}
