// Calls methods one after another through the SDK's client and reports each outcome (the retry
// tests). Reads one JSON object on stdin, prints one.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"time"

	sdk "SDK_MODULE"
)

type call struct {
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	Retries int             `json:"retries"`
}

type failure struct {
	Code       int    `json:"code"`
	Message    string `json:"message"`
	Temporary  bool   `json:"temporary"`
	MayHaveRun bool   `json:"may_have_run"`
}

type result struct {
	Data  json.RawMessage `json:"data,omitempty"`
	Error *failure        `json:"error,omitempty"`
}

func main() {
	var given struct {
		URL   string `json:"url"`
		Token string `json:"token"`
		Calls []call `json:"calls"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&given); err != nil {
		panic(err)
	}
	retries := 0
	client := sdk.NewClient(given.URL, sdk.Config{
		Token:   given.Token,
		OnRetry: func(string, *sdk.RPCError, int) { retries++ },
	})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.Connect(ctx); err != nil {
		panic(err)
	}
	results := []result{}
	for _, c := range given.Calls {
		var data json.RawMessage
		err := client.Call(ctx, c.Method, c.Params, &data, sdk.WithRetries(c.Retries))
		var rpcErr *sdk.RPCError
		switch {
		case err == nil:
			results = append(results, result{Data: data})
		case errors.As(err, &rpcErr):
			results = append(results, result{Error: &failure{rpcErr.Code, rpcErr.Message, rpcErr.Temporary, rpcErr.MayHaveRun}})
		default:
			panic(err)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]any{"results": results, "retries": retries}); err != nil {
		panic(err)
	}
}
