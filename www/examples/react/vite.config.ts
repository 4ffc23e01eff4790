import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Vite 8 needs nothing for wasm-oauth: its dev server and its build both serve the .wasm.
export default defineConfig({
  plugins: [react()],
});
