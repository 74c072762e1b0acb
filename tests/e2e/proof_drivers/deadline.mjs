// Times calls of the TypeScript SDK whose per-call timeout is given (the deadline tests and
// benchmark). Reads JSON lines on stdin: {"url", "token", "client_timeout"} first (the client-wide
// timeout in seconds, the SDK's default when null), then commands, each answered by one line: {"do": "ready"} (a call that may wait up to 30 s: the client is connected again) and
// {"do": "call", "timeout": seconds} (tasks.get_stats with that timeout and the default retries:
// its outcome and the seconds it took).
import { createInterface } from "node:readline";
import WebSocket from "ws";
import { APIClient, CentrifugoRPCClient, ErrorCode, RpcError } from "@sample/service-sdk";

const names = new Map(Object.entries(ErrorCode).map(([name, code]) => [code, name]));
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const given = JSON.parse((await lines.next()).value);
const timeout = given.client_timeout === null ? undefined : given.client_timeout * 1000;
const rpc = new CentrifugoRPCClient({ url: given.url, token: given.token, websocket: WebSocket, timeout });
await rpc.connect();
const api = new APIClient(rpc);
for (let next = await lines.next(); !next.done; next = await lines.next()) {
  const command = JSON.parse(next.value);
  const timeout = command.do === "ready" ? 30_000 : Math.round(command.timeout * 1000);
  const started = performance.now();
  let outcome;
  try {
    await api.tasksGetStats({ user_id: "deadline" }, { timeout });
    outcome = { ok: true };
  } catch (error) {
    if (!(error instanceof RpcError)) throw error;
    outcome = {
      ok: false, code: error.code, error: names.get(error.code) ?? error.name, temporary: error.temporary,
      may_have_run: error.mayHaveRun, message: error.message,
    };
  }
  console.log(JSON.stringify({ ...outcome, elapsed: (performance.now() - started) / 1000 }));
}
rpc.close();
process.exit(0);
