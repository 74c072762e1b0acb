// The Go side of the conformance vectors, built in a consumer module of the generated SDK.
//
//	proof decode CASES.json   decode each wire form into its SDK type (with encoding/json and
//	                          with the SDK's own decoder), compare the decoded field values
//	                          with the expected ones, encode it again
//	proof call CASES.json     read {"url", "token"} on stdin, call each case's method through
//	                          Centrifugo with the decoded params, check the result the same way
//	proof events CASES.json   read the addresses and the channel on stdin, subscribe, publish
//	                          each event's wire form, report how each was delivered
//
// Both print one JSON object: case name → {"problems": [...], "wire": <what Go encoded>}.
// gen.go (written by the test) maps type names to SDK types and methods to SDK calls.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"time"

	fastjson "github.com/segmentio/encoding/json"
)

type testCase struct {
	Name     string          `json:"name"`
	Type     string          `json:"type"`
	Method   string          `json:"method"`
	Wire     json.RawMessage `json:"wire"`
	Expected json.RawMessage `json:"expected"`
}

type report struct {
	Problems []string        `json:"problems"`
	Wire     json.RawMessage `json:"wire"`
}

func main() {
	var cases []testCase
	raw, err := os.ReadFile(os.Args[2])
	must(err)
	must(json.Unmarshal(raw, &cases))
	out := map[string]report{}
	switch os.Args[1] {
	case "decode":
		// Client.Call decodes results with segmentio's decoder; callers decoding by
		// themselves use encoding/json: both must give the expected values.
		for _, c := range cases {
			value := newValue[c.Type]()
			report := judge(c, value, json.Unmarshal(c.Wire, value))
			fast := newValue[c.Type]()
			for _, problem := range judge(c, fast, fastjson.Unmarshal(c.Wire, fast)).Problems {
				report.Problems = append(report.Problems, "segmentio decoder: "+problem)
			}
			out[c.Name] = report
		}
	case "call":
		var given struct{ URL, Token string }
		must(json.NewDecoder(os.Stdin).Decode(&given))
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		methods, closeClient, err := calls(ctx, given.URL, given.Token)
		must(err)
		defer closeClient()
		for _, c := range cases {
			value, err := methods[c.Method](ctx, c.Wire)
			out[c.Name] = judge(c, value, err)
		}
	case "events":
		must(json.NewEncoder(os.Stdout).Encode(events(cases)))
		return
	default:
		must(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
	must(json.NewEncoder(os.Stdout).Encode(out))
}

// events subscribes to the channel (gen.go's subscribeEvents), publishes each case's wire form
// through Centrifugo's server API and reports how the SDK delivered each, in order.
func events(cases []testCase) map[string]map[string]any {
	var given struct{ URL, Token, APIURL, APIKey, Channel, Room string }
	must(json.NewDecoder(os.Stdin).Decode(&given))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	delivered := make(chan map[string]any, len(cases))
	closeClient, err := subscribeEvents(ctx, given.URL, given.Token, given.Room, func(event map[string]any) { delivered <- event })
	must(err)
	defer closeClient()
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	for _, c := range cases {
		body, err := json.Marshal(map[string]any{"channel": given.Channel, "data": c.Wire})
		must(err)
		request, err := http.NewRequestWithContext(ctx, "POST", given.APIURL+"/publish", bytes.NewReader(body))
		must(err)
		request.Header.Set("X-API-Key", given.APIKey)
		response, err := client.Do(request)
		must(err)
		response.Body.Close()
		if response.StatusCode != http.StatusOK {
			must(fmt.Errorf("publish %s: HTTP %d", c.Name, response.StatusCode))
		}
	}
	out := map[string]map[string]any{}
	for _, c := range cases {
		select {
		case event := <-delivered:
			out[c.Name] = event
		case <-ctx.Done():
			must(fmt.Errorf("%s: not delivered", c.Name))
		}
	}
	return out
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func judge(c testCase, value any, err error) report {
	if err != nil {
		return report{Problems: []string{err.Error()}, Wire: json.RawMessage("null")}
	}
	var want any
	decoder := json.NewDecoder(bytes.NewReader(c.Expected))
	decoder.UseNumber()
	must(decoder.Decode(&want))
	problems := check("", reflect.ValueOf(value), want)
	encoded, err := json.Marshal(value)
	if err != nil {
		problems = append(problems, "encoding: "+err.Error())
		encoded = json.RawMessage("null")
	}
	return report{Problems: append([]string{}, problems...), Wire: encoded}
}

var rawType = reflect.TypeOf(json.RawMessage{})

// tagged returns the value of a one-key {"$tag": value} object.
func tagged(want any, tag string) (any, bool) {
	m, ok := want.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, false
	}
	v, ok := m[tag]
	return v, ok
}

func fail(path string, format string, args ...any) []string {
	return []string{fmt.Sprintf("%s: %s", strings.TrimPrefix(path, "."), fmt.Sprintf(format, args...))}
}

// check compares a decoded value with its expected description, by JSON field names.
func check(path string, got reflect.Value, want any) []string {
	if got.Type() == rawType {
		var have any
		if err := json.Unmarshal(got.Bytes(), &have); err != nil && len(got.Bytes()) > 0 {
			return fail(path, "undecodable JSON %s", got.Bytes())
		}
		expected, _ := json.Marshal(want)
		var norm any
		_ = json.Unmarshal(expected, &norm)
		if !reflect.DeepEqual(have, norm) {
			return fail(path, "got %s, want %s", got.Bytes(), expected)
		}
		return nil
	}
	if isOptional(got) {
		switch {
		case !got.FieldByName("Set").Bool():
			return fail(path, "left out, want %v", want)
		case got.FieldByName("Null").Bool():
			if want != nil {
				return fail(path, "null, want %v", want)
			}
			return nil
		case want == nil:
			return fail(path, "got %v, want null", got.FieldByName("Value"))
		}
		return check(path, got.FieldByName("Value"), want)
	}
	switch got.Kind() {
	case reflect.Pointer, reflect.Interface:
		if want == nil {
			if !got.IsNil() {
				return fail(path, "got %v, want null", got.Elem())
			}
			return nil
		}
		if got.IsNil() {
			return fail(path, "got nil, want %v", want)
		}
		return check(path, got.Elem(), want)
	}
	if want == nil {
		if (got.Kind() == reflect.Slice || got.Kind() == reflect.Map) && got.IsNil() {
			return nil
		}
		return fail(path, "got %v, want null", got)
	}
	if isDateTime(got) {
		text, ok := tagged(want, "$datetime")
		if !ok {
			return fail(path, "a DateTime, but the expectation is %v", want)
		}
		at, err := time.Parse(time.RFC3339Nano, text.(string))
		naive := err != nil
		if naive {
			at, err = time.ParseInLocation("2006-01-02T15:04:05", text.(string), time.UTC)
		}
		if err != nil || !got.FieldByName("Time").Interface().(time.Time).Equal(at) || got.FieldByName("Naive").Bool() != naive {
			return fail(path, "got %v (naive %v), want %v", got.FieldByName("Time").Interface(), got.FieldByName("Naive").Bool(), text)
		}
		return nil
	}
	if enum, ok := tagged(want, "$enum"); ok {
		pair := enum.([]any)
		if got.Type().Name() != pair[0] {
			return fail(path, "type %s, want the enum type %s", got.Type().Name(), pair[0])
		}
		want = pair[1]
	}
	for _, tag := range []string{"$date", "$uuid", "$decimal", "$bytes"} {
		if text, ok := tagged(want, tag); ok {
			want = text
		}
	}
	switch got.Kind() {
	case reflect.Struct:
		fields, ok := want.(map[string]any)
		if !ok {
			return fail(path, "a struct, but the expectation is %v", want)
		}
		var problems []string
		seen := map[string]bool{}
		for i := 0; i < got.NumField(); i++ {
			name := strings.Split(got.Type().Field(i).Tag.Get("json"), ",")[0]
			seen[name] = true
			field := got.Field(i)
			expected, present := fields[name]
			if present {
				problems = append(problems, check(path+"."+name, field, expected)...)
			} else if isOptional(field) {
				if field.FieldByName("Set").Bool() {
					problems = append(problems, fail(path+"."+name, "left out on the wire, but decoded as set")...)
				}
			} else if !(field.Kind() == reflect.Pointer || field.Kind() == reflect.Slice || field.Kind() == reflect.Map) || !field.IsNil() {
				problems = append(problems, fail(path+"."+name, "left out on the wire, but decoded as %v", field)...)
			}
		}
		for name := range fields {
			if !seen[name] {
				problems = append(problems, fail(path+"."+name, "no struct field carries it")...)
			}
		}
		return problems
	case reflect.Slice:
		if items, ok := tagged(want, "$set"); ok {
			return checkSet(path, got, items)
		}
		items, ok := want.([]any)
		if !ok || len(items) != got.Len() {
			return fail(path, "got %v, want %v", got, want)
		}
		var problems []string
		for i, item := range items {
			problems = append(problems, check(fmt.Sprintf("%s[%d]", path, i), got.Index(i), item)...)
		}
		return problems
	case reflect.Map:
		entries, ok := want.(map[string]any)
		if !ok || len(entries) != got.Len() {
			return fail(path, "got %v, want %v", got, want)
		}
		var problems []string
		for key, entry := range entries {
			value := got.MapIndex(reflect.ValueOf(key))
			if !value.IsValid() {
				problems = append(problems, fail(path+"["+key+"]", "missing")...)
				continue
			}
			problems = append(problems, check(path+"["+key+"]", value, entry)...)
		}
		return problems
	case reflect.String:
		if text, ok := want.(string); !ok || got.String() != text {
			return fail(path, "got %q, want %v", got.String(), want)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		number, ok := want.(json.Number)
		n, err := number.Int64()
		if !ok || err != nil || got.Int() != n {
			return fail(path, "got %d, want %v", got.Int(), want)
		}
	case reflect.Float32, reflect.Float64:
		number, ok := want.(json.Number)
		f, err := number.Float64()
		if !ok || err != nil || got.Float() != f {
			return fail(path, "got %v, want %v", got.Float(), want)
		}
	case reflect.Bool:
		if flag, ok := want.(bool); !ok || got.Bool() != flag {
			return fail(path, "got %v, want %v", got.Bool(), want)
		}
	default:
		return fail(path, "no check for Go kind %s", got.Kind())
	}
	return nil
}

// isDateTime tells the SDK's DateTime (a time.Time and whether it was sent without a time zone) from a model.
func isDateTime(v reflect.Value) bool {
	return v.Kind() == reflect.Struct && v.Type().Name() == "DateTime" && v.FieldByName("Naive").IsValid()
}

// isOptional tells the SDK's Nullable[T] (an optional field that may be null) from a model.
func isOptional(v reflect.Value) bool {
	return v.Kind() == reflect.Struct && strings.HasPrefix(v.Type().Name(), "Nullable[") &&
		v.FieldByName("Set").IsValid() && v.FieldByName("Null").IsValid() && v.FieldByName("Value").IsValid()
}

// checkSet matches a set's items in any order: a set has none on the wire.
func checkSet(path string, got reflect.Value, want any) []string {
	items, ok := want.([]any)
	if !ok || len(items) != got.Len() {
		return fail(path, "got %v, want the set %v", got, want)
	}
	used := make([]bool, got.Len())
	for _, item := range items {
		found := false
		for i := 0; i < got.Len() && !found; i++ {
			if !used[i] && len(check(path, got.Index(i), item)) == 0 {
				used[i], found = true, true
			}
		}
		if !found {
			return fail(path, "got %v, want the set %v", got, want)
		}
	}
	return nil
}
