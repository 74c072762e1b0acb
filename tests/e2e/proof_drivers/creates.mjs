// The reliability proof's TypeScript driver: todos.create for each title, started evenly over the
// given seconds, through the npm-installed SDK. Reads one JSON object on stdin, prints one.
import WebSocket from "ws";
import { APIClient, CentrifugoRPCClient, RpcError } from "@sample/service-sdk";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const given = JSON.parse(input);
let retries = 0;
const rpc = new CentrifugoRPCClient({
  url: given.url,
  token: given.token,
  websocket: WebSocket,
  timeout: given.timeout_ms,
  retries: given.retries,
  onRetry: () => {
    retries++;
  },
});
await rpc.connect();
const api = new APIClient(rpc);
const spacing = (given.seconds * 1000) / Math.max(given.titles.length, 1);

async function create(title, start) {
  await new Promise((resolve) => setTimeout(resolve, start));
  try {
    const result = await api.todosCreate({ title });
    return { title, id: result.todo.id };
  } catch (error) {
    if (!(error instanceof RpcError)) throw error;
    return { title, id: null, may_have_run: error.mayHaveRun, error: error.message };
  }
}

const outcomes = await Promise.all(given.titles.map((title, n) => create(title, n * spacing)));
rpc.close();
console.log(JSON.stringify({ outcomes, retries }));
process.exit(0);
