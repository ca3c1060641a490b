// Command benchfetch is the yardstick of `make bench` (scripts/bench.sh): it
// reads every ARO of a portal the way a bare client would, with net/http and
// encoding/json into plain structs, no retries, checks or de-duplication,
// and prints the seconds it took. Of the client it takes only the list of
// covalence.ARO's fields, by reflection, never its decoding.
//
//	benchfetch -base URL -key KEY -total 20000 -page-size 100 -parallel 8
//	benchfetch -base URL -key KEY -sequential -limit 500
//
// The first form knows the page count in advance and keeps -parallel
// requests in flight. The second is the SOAR integration's loop: one request
// at a time, limit=500, next page until the pages are read.
package main

import (
	"encoding"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"sync"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// plainPage is a page of AROs in plain types, what a bare fetch decodes
// into. Its items have the JSON fields of covalence.ARO (plainStruct), so the
// bare fetch decodes every field the provider decodes, and a field added to
// the client needs nothing here.
var plainPage = reflect.StructOf([]reflect.StructField{
	{Name: "Items", Type: reflect.SliceOf(plainStruct(reflect.TypeFor[covalence.ARO]())), Tag: `json:"items"`},
	{Name: "Total", Type: reflect.TypeFor[int](), Tag: `json:"total"`},
	{Name: "Page", Type: reflect.TypeFor[int](), Tag: `json:"page"`},
})

// plainStruct is the struct t with each exported field in its plainType,
// under the same name and tag. (The live check's tests hold every field of
// covalence.ARO to a json tag and no embedding, so names match as tagged.)
func plainStruct(t reflect.Type) reflect.Type {
	var fields []reflect.StructField
	for f := range t.Fields() {
		if f.IsExported() {
			fields = append(fields, reflect.StructField{Name: f.Name, Type: plainType(f.Type), Tag: f.Tag})
		}
	}
	return reflect.StructOf(fields)
}

var (
	rawMessage  = reflect.TypeFor[json.RawMessage]()
	unmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textDecoder = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// plainType is the type a bare client would decode a value of type t into
// with encoding/json, so that none of the client's own decoding runs:
//   - a type of the client's with a decoding of its own (UnmarshalJSON or
//     UnmarshalText) becomes what encoding/json reads without it:
//     json.Number for an integer, a list of json.RawMessage for a list,
//     json.RawMessage for anything else;
//   - any other object becomes map[string]any;
//   - lists, maps and pointers keep their shape with plain entries (a
//     pointer to json.RawMessage is json.RawMessage, which holds null too);
//   - strings, bools and numbers become the built-in type of their kind.
func plainType(t reflect.Type) reflect.Type {
	k := t.Kind()
	integer := k >= reflect.Int && k <= reflect.Uint64
	if t.PkgPath() != "" && (reflect.PointerTo(t).Implements(unmarshaler) || reflect.PointerTo(t).Implements(textDecoder)) {
		switch {
		case integer:
			return reflect.TypeFor[json.Number]()
		case k == reflect.Slice:
			return reflect.TypeFor[[]json.RawMessage]()
		}
		return rawMessage
	}
	switch {
	case k == reflect.Pointer:
		if e := plainType(t.Elem()); e != rawMessage {
			return reflect.PointerTo(e)
		}
		return rawMessage
	case k == reflect.Struct:
		return reflect.TypeFor[map[string]any]()
	case k == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return reflect.TypeFor[[]byte]()
	case k == reflect.Slice:
		return reflect.SliceOf(plainType(t.Elem()))
	case k == reflect.Array:
		return reflect.ArrayOf(t.Len(), plainType(t.Elem()))
	case k == reflect.Map: // an object's names are strings
		return reflect.MapOf(reflect.TypeFor[string](), plainType(t.Elem()))
	case k == reflect.String:
		return reflect.TypeFor[string]()
	case k == reflect.Bool:
		return reflect.TypeFor[bool]()
	case k >= reflect.Int && k <= reflect.Int64:
		return reflect.TypeFor[int64]()
	case integer:
		return reflect.TypeFor[uint64]()
	case k == reflect.Float32 || k == reflect.Float64:
		return reflect.TypeFor[float64]()
	}
	return rawMessage
}

func main() {
	base := flag.String("base", "", "portal base URL (…/v1)")
	key := flag.String("key", "", "API key")
	provider := flag.String("provider", "prov-0001", "MSSP provider ID")
	total := flag.Int("total", 20000, "AROs to read (parallel form)")
	pageSize := flag.Int("page-size", 100, "items per page the server sends (parallel form)")
	parallel := flag.Int("parallel", 8, "requests in flight (parallel form)")
	sequential := flag.Bool("sequential", false, "the SOAR loop: one request at a time")
	limit := flag.Int("limit", 500, "limit= asked for")
	firstPage := flag.Int("first-page", 1, "number of the first page")
	flag.Parse()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * *parallel}, Timeout: time.Minute}
	// get returns the number of items of a page and the total it states.
	get := func(page int) (items, total int, err error) {
		req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/providers/%s/aros?limit=%d&page=%d", *base, *provider, *limit, page), nil)
		if err != nil {
			return 0, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+*key)
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("page %d: HTTP %d", page, resp.StatusCode)
		}
		p := reflect.New(plainPage)
		if err := json.NewDecoder(resp.Body).Decode(p.Interface()); err != nil {
			return 0, 0, err
		}
		return p.Elem().FieldByName("Items").Len(), int(p.Elem().FieldByName("Total").Int()), nil
	}

	start := time.Now()
	read := 0
	if *sequential {
		for page := *firstPage; ; page++ {
			n, pageTotal, err := get(page)
			if err != nil {
				fail(err)
			}
			read += n
			if n == 0 || read >= pageTotal {
				break
			}
		}
	} else {
		pages := (*total + *pageSize - 1) / *pageSize
		var wg sync.WaitGroup
		var mu sync.Mutex
		sem := make(chan struct{}, *parallel)
		for page := *firstPage; page < *firstPage+pages; page++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				n, _, err := get(page)
				if err != nil {
					fail(err)
				}
				mu.Lock()
				read += n
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	if !*sequential && read != *total {
		fail(fmt.Errorf("read %d AROs, want %d", read, *total))
	}
	fmt.Printf("%.3f %d\n", elapsed.Seconds(), read)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchfetch:", err)
	os.Exit(1)
}
