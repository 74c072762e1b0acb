// Go: the generated SDK's call against centrifuge-go's raw RPC(), same server.
//
//	go run . WS_URL TOKEN METHOD CALLS
//
// Three kinds of call, one at a time, in blocks whose order rotates: sdk (retries on, a fresh
// idempotency key per call), raw (the same wire form: the params with a fresh key as their first
// member) and raw_bare (the params alone); the raw calls decode the reply into generic JSON values
// (encoding/json into any). Prints the latencies (ms) of each kind as JSON.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	client := sdk.NewClient(url, sdk.Config{Token: token, Retries: 2}) // the default, said out loud
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
	// centrifuge-go hands back the reply's bytes; a caller without the SDK decodes them before
	// using them, as Python's and JavaScript's clients do for theirs: into generic JSON values.
	rawCall := func(params []byte) any {
		r, err := raw.RPC(ctx, method, params)
		must(err)
		var value any
		must(json.Unmarshal(r.Data, &value))
		return value
	}
	keyed := func() []byte {
		var random [16]byte
		_, _ = rand.Read(random[:])
		out := append([]byte(`{"$idempotency_key":"`+hex.EncodeToString(random[:])+`",`), data[1:]...)
		return out
	}
	kinds := map[string]func() any{
		"sdk":      sdkCall,
		"raw":      func() any { return rawCall(keyed()) },
		"raw_bare": func() any { return rawCall(data) },
	}
	names := []string{"sdk", "raw", "raw_bare"}
	sdkJSON, _ := json.Marshal(sdkCall())
	var want any
	must(json.Unmarshal(sdkJSON, &want))
	for _, kind := range names[1:] {
		if got := kinds[kind](); fmt.Sprint(got) != fmt.Sprint(want) {
			panic(fmt.Sprintf("different answers: %v / %v", got, want))
		}
	}

	out := map[string][]float64{}
	for _, kind := range names {
		out[kind] = []float64{}
		for i := 0; i < warmup; i++ {
			kinds[kind]()
		}
	}
	for n := 0; n < calls/block; n++ {
		shift := n % len(names)
		for _, kind := range append(append([]string{}, names[shift:]...), names[:shift]...) {
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
