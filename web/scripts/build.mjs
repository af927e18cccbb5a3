// Builds web/dist from web/src and the npm packages; nothing is fetched at run time (no CDN):
//   dist/demo/     the dev demo page: index.html, demo.css and demo.js (livekit-client bundled in by esbuild)
//   dist/swagger/  Swagger UI's files from swagger-ui-dist, which the API's /schema page loads
//   dist/console/  the operator console (/console): index.html, console.js (Preact and uPlot bundled in
//                  from src/console/main.jsx) and console.css (uPlot's stylesheet and src/console/console.css)
// The API serves both (src/roomsvc/web.py). Run by scripts/stack.sh after `npm ci`; by hand: `npm run build`.
import { copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const swaggerDist = path.join(root, "node_modules", "swagger-ui-dist");
const SWAGGER_FILES = [
  "swagger-ui-bundle.js",
  "swagger-ui-standalone-preset.js",
  "swagger-ui.css",
  "favicon-32x32.png",
];

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, "demo"), { recursive: true });
await mkdir(path.join(dist, "swagger"), { recursive: true });
await mkdir(path.join(dist, "console"), { recursive: true });

await build({
  entryPoints: [path.join(root, "src", "demo.js")],
  outfile: path.join(dist, "demo", "demo.js"),
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
const consoleSrc = path.join(root, "src", "console");
await build({
  entryPoints: { console: path.join(consoleSrc, "main.jsx") },
  outdir: path.join(dist, "console"),
  bundle: true,
  format: "esm",
  target: ["es2020"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
// One stylesheet: console.css @imports uPlot's, and esbuild inlines it.
await build({
  entryPoints: [path.join(consoleSrc, "console.css")],
  outfile: path.join(dist, "console", "console.css"),
  bundle: true,
  minify: true,
  logLevel: "warning",
});
await copyFile(path.join(consoleSrc, "index.html"), path.join(dist, "console", "index.html"));
for (const name of ["index.html", "demo.css"]) {
  await copyFile(path.join(root, "src", name), path.join(dist, "demo", name));
}
for (const name of SWAGGER_FILES) {
  await copyFile(path.join(swaggerDist, name), path.join(dist, "swagger", name));
}
console.log(`built ${path.relative(process.cwd(), dist) || "dist"}: demo/, console/ and swagger/`);
