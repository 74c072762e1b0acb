// Times calls of the Go SDK whose per-call timeout is given (the deadline tests and benchmark).
// Reads JSON lines on stdin: {"url", "token", "client_timeout"} first (the client-wide timeouts,
// Config.ReadTimeout and CallTimeout, in seconds; the SDK's defaults when null), then commands,
// each answered by one line:
// {"do": "ready"} (a call that may wait up to 30 s: the client is connected again) and
// {"do": "call", "timeout": seconds} (tasks.get_stats with that deadline and the default retries:
// its outcome and the seconds it took).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	sdk "SDK_MODULE"
)

type command struct {
	Do      string  `json:"do"`
	Timeout float64 `json:"timeout"`
}

type outcome struct {
	OK         bool    `json:"ok"`
	Code       int     `json:"code,omitempty"`
	Error      string  `json:"error,omitempty"`
	Temporary  bool    `json:"temporary"`
	MayHaveRun bool    `json:"may_have_run"`
	Message    string  `json:"message,omitempty"`
	Elapsed    float64 `json:"elapsed"`
}

func main() {
	lines := bufio.NewScanner(os.Stdin)
	var given struct {
		URL           string   `json:"url"`
		Token         string   `json:"token"`
		ClientTimeout *float64 `json:"client_timeout"`
	}
	if !lines.Scan() {
		panic("no settings on stdin")
	}
	if err := json.Unmarshal(lines.Bytes(), &given); err != nil {
		panic(err)
	}
	config := sdk.Config{Token: given.Token}
	if given.ClientTimeout != nil {
		config.ReadTimeout = time.Duration(*given.ClientTimeout * float64(time.Second))
		config.CallTimeout = config.ReadTimeout
	}
	client := sdk.NewClient(given.URL, config)
	defer client.Close()
	connect, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	if err := client.Connect(connect); err != nil {
		panic(err)
	}
	cancel()
	api := sdk.NewAPI(client)
	out := json.NewEncoder(os.Stdout)
	for lines.Scan() {
		var cmd command
		if err := json.Unmarshal(lines.Bytes(), &cmd); err != nil {
			panic(err)
		}
		timeout := time.Duration(cmd.Timeout * float64(time.Second))
		if cmd.Do == "ready" {
			timeout = 30 * time.Second
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		started := time.Now()
		_, err := api.TasksGetStats(ctx, sdk.TaskStatsParams{UserID: "deadline"})
		result := outcome{OK: err == nil, Elapsed: time.Since(started).Seconds()}
		cancel()
		var rpcErr *sdk.RPCError
		switch {
		case err == nil:
		case errors.As(err, &rpcErr):
			result.Code, result.Error, result.Temporary = rpcErr.Code, fmt.Sprintf("%T", rpcErr), rpcErr.Temporary
			result.MayHaveRun, result.Message = rpcErr.MayHaveRun, err.Error()
		default:
			result.Error, result.Message = fmt.Sprintf("%T", err), err.Error()
		}
		if err := out.Encode(result); err != nil {
			panic(err)
		}
	}
}
