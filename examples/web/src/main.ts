// Calls the sample service through Centrifugo with the npm SDK. The client comes from the main
// entry; the error codes and the models' types from the subpath modules, which do not pull in
// the client (see the README's bundle sizes).
import { APIClient, CentrifugoRPCClient } from "@sample/service-sdk";
import { ErrorCode, RpcError } from "@sample/service-sdk/errors";
import type { TaskStatsResult, TodoItem } from "@sample/service-sdk/types";

const DEFAULT_URL = "ws://127.0.0.1:8000/connection/websocket";
const MISSING_TASK_ID = 999_999;

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`index.html has no #${id} of the expected kind`);
  return found;
}

const connectForm = element("connect", HTMLFormElement);
const urlInput = element("url", HTMLInputElement);
const tokenInput = element("token", HTMLInputElement);
const status = element("status", HTMLParagraphElement);
const todoForm = element("add-todo", HTMLFormElement);
const todoTitle = element("todo-title", HTMLInputElement);
const todoList = element("todos", HTMLUListElement);
const stats = element("stats", HTMLElement);
const errorLine = element("error", HTMLParagraphElement);
const addButton = todoForm.querySelector("button");

let api: APIClient | null = null;
let rpc: CentrifugoRPCClient | null = null;
let userId = "";

/** "BAD_REQUEST (400): Task 999999 not found": the SDK's typed error, as a person reads it. */
function describe(error: unknown): string {
  if (!(error instanceof RpcError)) return String(error);
  const name = Object.entries(ErrorCode).find(([, code]) => code === error.code)?.[0] ?? "service code";
  return `${name} (${error.code}): ${error.message}`;
}

/** The user a connection token is for: its `sub` claim (the tasks are kept per user id). */
function tokenSubject(token: string): string {
  const payload = token.split(".")[1] ?? "";
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    if (typeof claims === "object" && claims !== null && "sub" in claims && typeof claims.sub === "string") {
      return claims.sub;
    }
  } catch {
    // Not a JWT: Centrifugo will say so when connecting.
  }
  return "";
}

function setStatus(text: string, kind: "ok" | "failed" | ""): void {
  status.textContent = text;
  status.className = kind;
}

function showTodos(todos: TodoItem[]): void {
  todoList.replaceChildren(
    ...todos.map((todo) => {
      const item = document.createElement("li");
      item.textContent = `#${todo.id} ${todo.title}`;
      item.dataset.id = String(todo.id);
      if (todo.completed) item.className = "done";
      return item;
    }),
  );
}

function showStats(result: TaskStatsResult): void {
  const rows: [string, string][] = [
    ["user", result.user_id],
    ["total", String(result.total)],
    ["completed", String(result.completed)],
    ["pending", String(result.pending)],
  ];
  stats.replaceChildren(
    ...rows.flatMap(([term, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      dd.dataset.field = term;
      return [dt, dd];
    }),
  );
}

async function refresh(client: APIClient): Promise<void> {
  const [todos, taskStats] = await Promise.all([client.todosList(), client.tasksGetStats({ user_id: userId })]);
  showTodos(todos.todos);
  showStats(taskStats);
}

async function connect(url: string, token: string): Promise<void> {
  rpc?.close();
  api = null;
  if (addButton) addButton.disabled = true;
  userId = tokenSubject(token);
  setStatus(`Connecting to ${url} ...`, "");
  const client = new CentrifugoRPCClient({ url, token, timeout: 5000 });
  try {
    await client.connect();
  } catch (error) {
    setStatus(`Could not connect: ${describe(error)}`, "failed");
    return;
  }
  rpc = client;
  api = new APIClient(client);
  try {
    await refresh(api);
    await api.tasksGet({ task_id: MISSING_TASK_ID });
    errorLine.textContent = `tasks.get returned task ${MISSING_TASK_ID}`;
  } catch (error) {
    if (error instanceof RpcError && error.code === ErrorCode.BAD_REQUEST) errorLine.textContent = describe(error);
    else {
      setStatus(`A call failed: ${describe(error)}`, "failed");
      return;
    }
  }
  setStatus(`Connected as ${userId || "(anonymous)"}`, "ok");
  if (addButton) addButton.disabled = false;
}

connectForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void connect(urlInput.value, tokenInput.value);
});

todoForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const client = api;
  if (client === null) return;
  void (async () => {
    try {
      const created = await client.todosCreate({ title: todoTitle.value });
      todoTitle.value = "";
      await refresh(client);
      setStatus(`Connected as ${userId}; created todo #${created.todo.id}`, "ok");
    } catch (error) {
      setStatus(`todos.create failed: ${describe(error)}`, "failed");
    }
  })();
});

// In development the page takes the URL and token from its address: /?token=...&url=...
const query = new URLSearchParams(location.search);
urlInput.value = query.get("url") ?? DEFAULT_URL;
tokenInput.value = query.get("token") ?? "";
if (tokenInput.value !== "") void connect(urlInput.value, tokenInput.value);
