import { render } from "hono/jsx/dom";
import { App } from "./app";
import "./styles.css";

// The server's shell (skip link, nav, main) is replaced by the app, which renders the same structure.
const root = document.getElementById("app")!;
root.replaceChildren();
render(<App />, root);
