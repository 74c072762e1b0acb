// TypeScript/JS: the generated SDK's call against centrifuge-js's raw rpc(), same payload, same server.
//   node e2e_ts.mjs WS_URL TOKEN METHOD CALLS   (run from a folder where the SDK, centrifuge and ws are installed)
// Two connections, calls one at a time, blocks of the two kinds alternating; prints latencies (ms) as JSON.
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
const rpc = new CentrifugoRPCClient({ url, token, websocket: WebSocket });
await rpc.connect();
const api = new APIClient(rpc);
const sdkCall = method === "tasks.get_stats" ? () => api.tasksGetStats(data) : () => api.tasksList(data);
const rawCall = async () => (await raw.rpc(method, data)).data;
if (JSON.stringify(await sdkCall()) !== JSON.stringify(await rawCall())) throw new Error("different answers");

const out = { sdk: [], raw: [] };
for (const call of [sdkCall, rawCall]) for (let i = 0; i < WARMUP; i++) await call();
for (let block = 0; block < Math.floor(Number(calls) / BLOCK); block++) {
  const order = block % 2 === 0 ? [["sdk", sdkCall], ["raw", rawCall]] : [["raw", rawCall], ["sdk", sdkCall]];
  for (const [kind, call] of order) {
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
