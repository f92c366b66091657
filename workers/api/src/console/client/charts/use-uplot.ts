import { useEffect, useRef } from "hono/jsx/dom";
import uPlot from "uplot";

// Mounts a uPlot into the returned ref's element after the element exists, keeps it as wide as its
// container (ResizeObserver: the console's layout is responsive), and destroys it on unmount or when the
// data changes. Rebuilding on a data change is simpler than setData + scale updates and costs well under a
// millisecond for the few hundred points a console chart has.
export function useUplot(build: (width: number) => { opts: uPlot.Options; data: uPlot.AlignedData }, key: string) {
  const ref = useRef<HTMLDivElement>(null);
  const current = useRef<uPlot | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    // Defensive: a quick succession of updates (a live training job) has been seen to run this effect again
    // before the previous cleanup, leaving two canvases in one box. Whatever is there goes first.
    current.current?.destroy();
    element.replaceChildren();
    const width = Math.max(element.clientWidth, 200);
    const { opts, data } = build(width);
    const plot = new uPlot(opts, data, element);
    current.current = plot;
    const height = opts.height;
    const observer = new ResizeObserver(() => {
      const next = Math.max(element.clientWidth, 200);
      if (next !== plot.width) plot.setSize({ width: next, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
      if (current.current === plot) current.current = null;
    };
  }, [key]);
  return ref;
}
