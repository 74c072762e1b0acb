// TypeScript/JS: a channel's publications through the generated SDK's typed subscription against
// centrifuge-js's raw subscription on the same channel.
//   node channels_ts.mjs WS_URL TOKEN USER API_URL API_KEY COUNT   (the sample SDK, centrifuge and ws installed)
// Blocks of the two kinds alternate, only that kind subscribed in a block; each publication goes through the
// server API with its wall-clock send time (µs) inside the event. Prints latencies (ms) as JSON.
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { APIClient, CentrifugoRPCClient } from "@sample/service-sdk";

const [url, token, user, apiUrl, apiKey, count] = process.argv.slice(2);
const channel = `todos.events:${user}`;
const BLOCK = 100;
const WARMUP = 100;
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

let waiting = null; // [stamp, resolve] of the publication awaited
function arrived(stamp) {
  const received = nowUs();
  if (waiting && waiting[0] === stamp) waiting[1](received); // recovered ones of the other kind: skipped
}

async function publish() {
  const stamp = nowUs();
  const todo = { id: 1, title: String(stamp), completed: false, created_at: "2025-01-01T00:00:00Z" };
  const got = new Promise((resolve, reject) => {
    waiting = [stamp, resolve];
    setTimeout(() => reject(new Error("no delivery in 10 s")), 10000).unref();
  });
  const answer = await fetch(`${apiUrl}/publish`, {
    method: "POST", headers: { "X-API-Key": apiKey, "Content-Type": "application/json" },
    body: JSON.stringify({ channel, data: { type: "created", todo } }),
  });
  if (!answer.ok) throw new Error(`publish: ${answer.status}`);
  await answer.arrayBuffer();
  return ((await got) - stamp) / 1000;
}

const rawClient = new Centrifuge(url, { token, websocket: WebSocket });
rawClient.connect();
await rawClient.ready(5000);
const rawSub = rawClient.newSubscription(channel);
rawSub.on("publication", (ctx) => arrived(Number(ctx.data.todo.title)));
const rpc = new CentrifugoRPCClient({ url, token, websocket: WebSocket });
await rpc.connect();
const typed = new APIClient(rpc).todosEvents({ user_id: user }, {
  onEvent(event) { if (event.type === "created") arrived(Number(event.todo.title)); },
  onUnknown() {},
});
const kinds = {
  sdk: { subscribe: () => typed.subscribe(), unsubscribe: () => typed.unsubscribe() },
  raw: { subscribe: async () => { rawSub.subscribe(); await rawSub.ready(5000); }, unsubscribe: () => rawSub.unsubscribe() },
};

async function run(kind, n, out) {
  await kinds[kind].subscribe();
  for (let i = 0; i < n; i++) out.push(await publish());
  kinds[kind].unsubscribe();
}

const out = { sdk: [], raw: [] };
for (const kind of ["sdk", "raw"]) await run(kind, WARMUP, []);
for (let block = 0; block < Math.floor(Number(count) / BLOCK); block++) {
  for (const kind of block % 2 === 0 ? ["sdk", "raw"] : ["raw", "sdk"]) await run(kind, BLOCK, out[kind]);
}
rpc.close();
rawClient.disconnect();
console.log(JSON.stringify(out));
process.exit(0);
