// Calls methods one after another through the npm-installed SDK's client and reports each outcome
// (the retry tests). Reads one JSON object on stdin, prints one.
import WebSocket from "ws";
import { CentrifugoRPCClient, RpcError } from "@sample/service-sdk";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const given = JSON.parse(input);
let retries = 0;
const rpc = new CentrifugoRPCClient({
  url: given.url,
  token: given.token,
  websocket: WebSocket,
  onRetry: () => {
    retries++;
  },
});
await rpc.connect();
const results = [];
for (const call of given.calls) {
  try {
    results.push({ data: await rpc.call(call.method, call.params, { retries: call.retries }) });
  } catch (error) {
    if (!(error instanceof RpcError)) throw error;
    const { code, message, temporary, mayHaveRun } = error;
    results.push({ error: { code, message, temporary, may_have_run: mayHaveRun } });
  }
}
rpc.close();
console.log(JSON.stringify({ results, retries }));
process.exit(0);
