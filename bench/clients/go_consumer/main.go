// Go: the generated SDK's call against centrifuge-go's raw RPC(), same payload, same server.
//   go run . WS_URL TOKEN METHOD CALLS
// Two connections, calls one at a time, blocks of the two kinds alternating; prints latencies (ms) as JSON.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	sdk "example.com/bench/benchsdk"
	"github.com/centrifugal/centrifuge-go"
)

const block, warmup = 100, 200

func main() {
	url, token, method := os.Args[1], os.Args[2], os.Args[3]
	calls, _ := strconv.Atoi(os.Args[4])
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	raw := centrifuge.NewJsonClient(url, centrifuge.Config{Token: token})
	connected := make(chan struct{}, 1)
	raw.OnConnected(func(centrifuge.ConnectedEvent) { connected <- struct{}{} })
	must(raw.Connect())
	<-connected
	defer raw.Close()
	client := sdk.NewClient(url, sdk.Config{Token: token})
	must(client.Connect(ctx))
	defer client.Close()
	api := sdk.NewAPI(client)

	limit, include := int64(20), true
	payloads := map[string]string{
		"tasks.get_stats": `{"user_id":"u-1","include_completed":true}`,
		"tasks.list":      `{"user_id":"u-1","limit":20}`,
	}
	data := []byte(payloads[method])
	sdkCall := func() any {
		if method == "tasks.get_stats" {
			r, err := api.TasksGetStats(ctx, sdk.TaskStatsParams{UserID: "u-1", IncludeCompleted: &include})
			must(err)
			return r
		}
		r, err := api.TasksList(ctx, sdk.ListParams{UserID: "u-1", Limit: &limit})
		must(err)
		return r
	}
	rawCall := func() any {
		r, err := raw.RPC(ctx, method, data)
		must(err)
		return r.Data
	}
	sdkJSON, _ := json.Marshal(sdkCall())
	var a, b any
	must(json.Unmarshal(sdkJSON, &a))
	must(json.Unmarshal(rawCall().([]byte), &b))
	if fmt.Sprint(a) != fmt.Sprint(b) {
		panic(fmt.Sprintf("different answers: %v / %v", a, b))
	}

	kinds := map[string]func() any{"sdk": sdkCall, "raw": rawCall}
	out := map[string][]float64{"sdk": {}, "raw": {}}
	for _, call := range kinds {
		for i := 0; i < warmup; i++ {
			call()
		}
	}
	for n := 0; n < calls/block; n++ {
		order := []string{"sdk", "raw"}
		if n%2 == 1 {
			order = []string{"raw", "sdk"}
		}
		for _, kind := range order {
			for i := 0; i < block; i++ {
				start := time.Now()
				kinds[kind]()
				out[kind] = append(out[kind], float64(time.Since(start).Nanoseconds())/1e6)
			}
		}
	}
	text, _ := json.Marshal(out)
	fmt.Println(string(text))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
