// Copy the one file of signature_pad the app needs into the served folder, so the server (and
// `make run`) needs no npm and the browser no CDN. Run after `npm ci`: `npm run vendor`.
// The copied file is committed; re-run this when package-lock.json changes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const source = new URL("../../node_modules/signature_pad/dist/signature_pad.min.js",
  import.meta.url);
const target = new URL("../static/vendor/signature_pad.min.js", import.meta.url);
const version = JSON.parse(readFileSync(
  new URL("../../node_modules/signature_pad/package.json", import.meta.url), "utf8")).version;

// The source map is not shipped; drop its reference so browsers do not ask for it.
const text = readFileSync(source, "utf8").replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n");
mkdirSync(new URL(".", target), { recursive: true });
writeFileSync(target, text);
console.log(`vendored signature_pad ${version} -> webapp/static/vendor/signature_pad.min.js`);
