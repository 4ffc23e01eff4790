// Mounts <App> in StrictMode (effects run twice in development: the hook handles the callback once).
import { StrictMode, createElement } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");

fetch("/config.json")
  .then((response) => response.json())
  .then((config) => {
    createRoot(root).render(createElement(StrictMode, null, createElement(App, { config })));
  });
