import { useState } from "hono/jsx/dom";
import { Button } from "./button";

/** Copies `text` to the clipboard and says so in a live region (the button's own text does not change focus). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [status, setStatus] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus("Copied to the clipboard.");
    } catch {
      setStatus("Copying failed: select the text and copy it.");
    }
  };
  return (
    <span class="copy">
      <Button onClick={() => void copy()} label={label}>
        Copy
      </Button>
      <span class="copy-status" role="status">
        {status}
      </span>
    </span>
  );
}
