// json-schema-to-typescript on the floor's JSON schema, timed in-process (Node startup excluded).
//   node bench/json2ts_worker.mjs SCHEMA_JSON OUT_TS FORMAT(true|false)
import { readFileSync, writeFileSync } from "node:fs";
import { compile } from "json-schema-to-typescript";

const [schemaPath, outPath, format] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const start = process.hrtime.bigint();
// unreachableDefinitions: every $defs entry becomes a type, as every model must.
const ts = await compile(schema, "Api", { bannerComment: "", unreachableDefinitions: true, format: format === "true" });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
writeFileSync(outPath, ts);
console.log(JSON.stringify({ seconds: { total: seconds }, peak_rss_mib: process.resourceUsage().maxRSS / 1024 }));
