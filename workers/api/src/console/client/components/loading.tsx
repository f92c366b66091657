/** A polite "loading" status: announced once, not a spinner that screen readers cannot read. */
export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      {`Loading ${what}…`}
    </p>
  );
}
