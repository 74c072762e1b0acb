// Go: a channel's publications through the generated SDK's typed subscription against centrifuge-go's raw
// subscription on the same channel, and the fan-out of one publication to many raw subscriptions.
//
//	consumer latency WS_URL TOKEN USER API_URL API_KEY COUNT
//	consumer fanout  WS_URL TOKEN USER API_URL API_KEY ROUNDS SUBSCRIBERS
//
// Each publication goes through the server API with its wall-clock send time (ns) inside the event;
// a delivery's latency is its receive time minus that. Prints latencies (ms) as JSON.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	sdk "example.com/sample/servicesdk"
	"github.com/centrifugal/centrifuge-go"
)

const block, warmup = 100, 100

var httpClient = &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}, Timeout: 10 * time.Second}

type args struct{ url, token, user, apiURL, apiKey, channel string }

// publish sends one "created" event stamped with the time it is sent.
func publish(a args) int64 {
	stamp := time.Now().UnixNano()
	todo := map[string]any{"id": 1, "title": strconv.FormatInt(stamp, 10), "completed": false, "created_at": "2025-01-01T00:00:00Z"}
	body, _ := json.Marshal(map[string]any{"channel": a.channel, "data": map[string]any{"type": "created", "todo": todo}})
	request, _ := http.NewRequest("POST", a.apiURL+"/publish", bytes.NewReader(body))
	request.Header.Set("X-API-Key", a.apiKey)
	request.Header.Set("Content-Type", "application/json")
	response, err := httpClient.Do(request)
	must(err)
	var answer map[string]any
	must(json.NewDecoder(response.Body).Decode(&answer))
	response.Body.Close()
	if answer["error"] != nil {
		must(fmt.Errorf("publish: %v", answer["error"]))
	}
	return stamp
}

func stampOf(data []byte) int64 {
	var event struct{ Todo struct{ Title string } }
	must(json.Unmarshal(data, &event))
	stamp, err := strconv.ParseInt(event.Todo.Title, 10, 64)
	must(err)
	return stamp
}

func rawClient(a args) *centrifuge.Client {
	client := centrifuge.NewJsonClient(a.url, centrifuge.Config{Token: a.token})
	connected := make(chan struct{}, 1)
	client.OnConnected(func(centrifuge.ConnectedEvent) {
		select {
		case connected <- struct{}{}:
		default:
		}
	})
	must(client.Connect())
	<-connected
	return client
}

// rawSubscribe subscribes and waits until the server confirmed it.
func rawSubscribe(sub *centrifuge.Subscription, subscribed chan struct{}) {
	must(sub.Subscribe())
	select {
	case <-subscribed:
	case <-time.After(10 * time.Second):
		must(fmt.Errorf("subscription to %s not confirmed", sub.Channel))
	}
}

func latency(a args, count int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	arrived := make(chan [2]int64, 1024) // receive time, stamp
	raw := rawClient(a)
	defer raw.Close()
	rawSub, err := raw.NewSubscription(a.channel)
	must(err)
	rawSubscribed := make(chan struct{}, 1)
	rawSub.OnSubscribed(func(centrifuge.SubscribedEvent) { rawSubscribed <- struct{}{} })
	rawSub.OnPublication(func(e centrifuge.PublicationEvent) {
		arrived <- [2]int64{time.Now().UnixNano(), stampOf(e.Data)}
	})
	client := sdk.NewClient(a.url, sdk.Config{Token: a.token})
	must(client.Connect(ctx))
	defer client.Close()
	typed, err := sdk.NewAPI(client).TodosEvents(sdk.TodosEventsParams{UserID: a.user}, sdk.TodosEventsHandlers{
		OnEvent: func(event sdk.TodosEventsEvent) {
			if created, ok := event.(sdk.TodoCreated); ok {
				stamp, err := strconv.ParseInt(created.Todo.Title, 10, 64)
				must(err)
				arrived <- [2]int64{time.Now().UnixNano(), stamp}
			}
		},
		OnUnknown: func(sdk.UnknownEvent) {},
	})
	must(err)
	subscribe := map[string]func(){
		"sdk": func() { must(typed.Subscribe(ctx)) },
		"raw": func() { rawSubscribe(rawSub, rawSubscribed) },
	}
	unsubscribe := map[string]func(){"sdk": func() { must(typed.Unsubscribe()) }, "raw": func() { must(rawSub.Unsubscribe()) }}
	run := func(kind string, n int, out *[]float64) {
		subscribe[kind]()
		for i := 0; i < n; i++ {
			stamp := publish(a)
			for { // recovered publications of the other kind's blocks arrive too: skipped
				select {
				case got := <-arrived:
					if got[1] != stamp {
						continue
					}
					*out = append(*out, float64(got[0]-stamp)/1e6)
				case <-time.After(10 * time.Second):
					must(fmt.Errorf("%s: no delivery in 10 s", kind))
				}
				break
			}
		}
		unsubscribe[kind]()
	}
	out := map[string][]float64{"sdk": {}, "raw": {}}
	var discard []float64
	for _, kind := range []string{"sdk", "raw"} {
		run(kind, warmup, &discard)
	}
	for n := 0; n < count/block; n++ {
		order := []string{"sdk", "raw"}
		if n%2 == 1 {
			order = []string{"raw", "sdk"}
		}
		for _, kind := range order {
			values := out[kind]
			run(kind, block, &values)
			out[kind] = values
		}
	}
	text, _ := json.Marshal(out)
	fmt.Println(string(text))
}

func fanout(a args, rounds, subscribers int) {
	var mu sync.Mutex
	var pending sync.WaitGroup
	var stamp int64
	var received []int64
	started := time.Now()
	clients := make([]*centrifuge.Client, 0, subscribers)
	for i := 0; i < subscribers; i++ {
		client := rawClient(a)
		clients = append(clients, client)
		sub, err := client.NewSubscription(a.channel)
		must(err)
		subscribed := make(chan struct{}, 1)
		sub.OnSubscribed(func(centrifuge.SubscribedEvent) { subscribed <- struct{}{} })
		sub.OnPublication(func(e centrifuge.PublicationEvent) {
			now := time.Now().UnixNano()
			mu.Lock()
			ok := stampOf(e.Data) == stamp
			if ok {
				received = append(received, now)
			}
			mu.Unlock()
			if ok {
				pending.Done()
			}
		})
		rawSubscribe(sub, subscribed)
	}
	setup := time.Since(started).Seconds()
	out := map[string]any{"setup_s": setup}
	var deliveries, all []float64
	for round := -2; round < rounds; round++ { // two warm-up rounds
		pending.Add(subscribers)
		mu.Lock()
		received = received[:0]
		stamp = time.Now().UnixNano() + 1<<40 // none matches until the real stamp is known
		mu.Unlock()
		var sent int64
		done := make(chan struct{})
		go func() { pending.Wait(); close(done) }()
		mu.Lock() // deliveries wait here until the stamp is set, then are counted
		sent = publish(a)
		stamp = sent
		mu.Unlock()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			must(fmt.Errorf("round %d: only %d of %d delivered in 30 s", round, len(received), subscribers))
		}
		if round >= 0 {
			last := int64(0)
			for _, at := range received {
				deliveries = append(deliveries, float64(at-sent)/1e6)
				if at > last {
					last = at
				}
			}
			all = append(all, float64(last-sent)/1e6)
		}
	}
	out["deliveries"], out["all"] = deliveries, all
	for _, client := range clients {
		client.Close()
	}
	text, _ := json.Marshal(out)
	fmt.Println(string(text))
}

func main() {
	a := args{url: os.Args[2], token: os.Args[3], user: os.Args[4], apiURL: os.Args[5], apiKey: os.Args[6]}
	a.channel = "todos.events:" + a.user
	first, _ := strconv.Atoi(os.Args[7])
	switch os.Args[1] {
	case "latency":
		latency(a, first)
	case "fanout":
		subscribers, _ := strconv.Atoi(os.Args[8])
		fanout(a, first, subscribers)
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
