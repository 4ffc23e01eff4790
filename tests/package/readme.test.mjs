// Issue 16: the README is for the package's users and its links work wherever it is read: in a
// fresh clone, and on the npm page (which resolves relative links against package.json's
// `repository`). So every link is an anchor of the same page or a file this repository tracks;
// nothing points outside it. And the README's React app is www/examples/react, file for file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../node/tarball.mjs";
import { readmeFiles } from "./readme.mjs";

const DOCS = ["README.md", "CONTRIBUTING.md", "www/examples/react/README.md", "docs/size.md", "docs/provider.md", "docs/comparison.md"];
const tracked = new Set(execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean));

/** The text outside code fences and inline code: where Markdown links live. */
function prose(markdown) {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's (and npm's) anchor of a heading. */
function slug(heading) {
  return heading.trim().toLowerCase().replace(/`/g, "").replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

function anchorsOf(markdown) {
  return new Set([...markdown.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

for (const doc of DOCS) {
  test(`${doc}: every link is an anchor of a page or a file of this repository`, () => {
    const text = readFileSync(join(ROOT, doc), "utf8");
    const links = [...prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    for (const link of links) {
      assert.doesNotMatch(link, /^[a-z][a-z+.-]*:/i, `${doc}: ${link} points outside the repository`);
      const [path, anchor] = link.split("#");
      const target = path ? resolve(ROOT, dirname(doc), path) : join(ROOT, doc);
      const inRepo = relative(ROOT, target);
      assert.ok(!inRepo.startsWith(".."), `${doc}: ${link} leaves the repository`);
      const isTracked = tracked.has(inRepo) || [...tracked].some((f) => f.startsWith(`${inRepo}/`));
      assert.ok(existsSync(target) && isTracked, `${doc}: ${link} is not a file of the repository`);
      if (anchor) {
        assert.ok(anchorsOf(readFileSync(target, "utf8")).has(anchor), `${doc}: ${link}: no heading #${anchor}`);
      }
    }
  });
}

test("README.md: for users first, with the install command, and the Size section's markers kept", () => {
  const text = readFileSync(join(ROOT, "README.md"), "utf8");
  const firstCommand = text.match(/^```sh\n(.*)$/m)?.[1];
  assert.equal(firstCommand, "npm install wasm-oauth");
  assert.ok(text.indexOf("## Quick start") < text.indexOf("## Develop this package"));
  assert.match(text, /<!-- size:start -->\n[\s\S]*<!-- size:end -->/);
  assert.match(text, /bash scripts\/test\.sh/, "the README's test command");
});

test("the README's React app is www/examples/react, file for file", () => {
  const blocks = readmeFiles();
  for (const file of ["src/main.tsx", "src/App.tsx"]) {
    assert.ok(blocks.has(file), `the README shows ${file}`);
    assert.equal(blocks.get(file), readFileSync(join(ROOT, "www/examples/react", file), "utf8"), file);
  }
});
