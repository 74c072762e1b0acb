// The reliability proof's Go driver: todos.create for each title, started evenly over the given
// seconds, through the SDK's module. Reads one JSON object on stdin, prints one.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"time"

	sdk "SDK_MODULE"
)

type given struct {
	URL       string   `json:"url"`
	Token     string   `json:"token"`
	Titles    []string `json:"titles"`
	Seconds   float64  `json:"seconds"`
	TimeoutMS int64    `json:"timeout_ms"`
	Retries   int      `json:"retries"`
}

type outcome struct {
	Title      string `json:"title"`
	ID         *int64 `json:"id"`
	MayHaveRun bool   `json:"may_have_run"`
	Error      string `json:"error,omitempty"`
}

func main() {
	var in given
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	var retries atomic.Int64
	timeout := time.Duration(in.TimeoutMS) * time.Millisecond
	client := sdk.NewClient(in.URL, sdk.Config{
		Token:       in.Token,
		CallTimeout: timeout,
		Retries:     in.Retries,
		OnRetry:     func(string, *sdk.RPCError, int) { retries.Add(1) },
	})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := client.Connect(ctx); err != nil {
		panic(err)
	}
	api := sdk.NewAPI(client)
	spacing := time.Duration(in.Seconds * float64(time.Second) / float64(max(len(in.Titles), 1)))
	outcomes := make([]outcome, len(in.Titles))
	var wg sync.WaitGroup
	for n, title := range in.Titles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(n) * spacing)
			result, err := api.TodosCreate(context.Background(), sdk.CreateTodoParams{Title: title})
			if err == nil {
				outcomes[n] = outcome{Title: title, ID: &result.Todo.ID}
				return
			}
			var rpcErr *sdk.RPCError
			if !errors.As(err, &rpcErr) {
				panic(err)
			}
			outcomes[n] = outcome{Title: title, MayHaveRun: rpcErr.MayHaveRun, Error: rpcErr.Error()}
		}()
	}
	wg.Wait()
	out := map[string]any{"outcomes": outcomes, "retries": retries.Load()}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
