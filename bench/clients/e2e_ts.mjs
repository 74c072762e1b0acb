// TypeScript/JS: the generated SDK's call against centrifuge-js's raw rpc(), same server.
//   node e2e_ts.mjs WS_URL TOKEN METHOD CALLS   (run from a folder where the SDK, centrifuge and ws are installed)
// Three kinds of call, one at a time, in blocks whose order rotates: sdk (retries on, a fresh
// idempotency key per call), raw (the same wire form: the params with a fresh key as their first
// member) and raw_bare (the params alone). Prints the latencies (ms) of each kind as JSON.
import { randomBytes } from "node:crypto";
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { APIClient, CentrifugoRPCClient } from "@bench/service-sdk";

const [url, token, method, calls] = process.argv.slice(2);
const payloads = { "tasks.get_stats": { user_id: "u-1", include_completed: true }, "tasks.list": { user_id: "u-1", limit: 20 } };
const data = payloads[method];
const BLOCK = 100;
const WARMUP = 200;

const raw = new Centrifuge(url, { token, websocket: WebSocket });
raw.connect();
await raw.ready(5000);
const rpc = new CentrifugoRPCClient({ url, token, websocket: WebSocket, retries: 2 }); // the default, said out loud
await rpc.connect();
const api = new APIClient(rpc);
const kinds = {
  sdk: method === "tasks.get_stats" ? () => api.tasksGetStats(data) : () => api.tasksList(data),
  raw: async () => (await raw.rpc(method, { $idempotency_key: randomBytes(16).toString("hex"), ...data })).data,
  raw_bare: async () => (await raw.rpc(method, data)).data,
};
const answers = new Set();
for (const call of Object.values(kinds)) answers.add(JSON.stringify(await call()));
if (answers.size !== 1) throw new Error(`different answers: ${[...answers]}`);

const names = Object.keys(kinds);
const out = Object.fromEntries(names.map((kind) => [kind, []]));
for (const call of Object.values(kinds)) for (let i = 0; i < WARMUP; i++) await call();
for (let block = 0; block < Math.floor(Number(calls) / BLOCK); block++) {
  const shift = block % names.length;
  for (const kind of [...names.slice(shift), ...names.slice(0, shift)]) {
    const call = kinds[kind];
    for (let i = 0; i < BLOCK; i++) {
      const start = process.hrtime.bigint();
      await call();
      out[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
}
rpc.close();
raw.disconnect();
console.log(JSON.stringify(out));
