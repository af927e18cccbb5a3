// Builds web/dist from web/src and the npm packages; nothing is fetched at run time (no CDN):
//   dist/demo/     the dev demo page: index.html, demo.css and demo.js (livekit-client bundled in by esbuild)
//   dist/swagger/  Swagger UI's files from swagger-ui-dist, which the API's /schema page loads
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
for (const name of ["index.html", "demo.css"]) {
  await copyFile(path.join(root, "src", name), path.join(dist, "demo", name));
}
for (const name of SWAGGER_FILES) {
  await copyFile(path.join(swaggerDist, name), path.join(dist, "swagger", name));
}
console.log(`built ${path.relative(process.cwd(), dist) || "dist"}: demo/ and swagger/`);
