// The README's code blocks that name a file (```tsx src/App.tsx), for the tests that build
// what the README shows, word for word.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../node/tarball.mjs";

/** Map of file name → contents of every code block whose info string names a file. */
export function readmeFiles(path = join(ROOT, "README.md")) {
  const markdown = readFileSync(path, "utf8");
  return new Map([...markdown.matchAll(/^```\w+ (\S+)\n([\s\S]*?)^```$/gm)].map((m) => [m[1], m[2]]));
}
