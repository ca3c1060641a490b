package covalence

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// generatedPages returns n pages of the mock's generated AROs as it serves them.
func generatedPages(tb testing.TB, seed int64, n, perPage int) [][]byte {
	tb.Helper()
	d := mockportal.Generate(seed, 8, n*perPage, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(mockportal.New(d, mockportal.Options{APIKey: "k", PageCap: perPage, PageBase: 1}))
	defer srv.Close()
	var pages [][]byte
	for p := 1; p <= n; p++ {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/providers/prov-0001/aros?page=%d", srv.URL, p), nil)
		req.Header.Set("Authorization", "Bearer k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			tb.Fatalf("page %d: %d %v", p, resp.StatusCode, err)
		}
		pages = append(pages, b)
	}
	return pages
}

// fixturePages wraps the contract's ARO fixtures in a page.
func fixturePages(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, name := range []string{"aros.json", "aro_transition.json"} {
		b, err := os.ReadFile(filepath.Join("..", "mockportal", "testdata", name))
		if err != nil {
			tb.Fatal(err)
		}
		if b[0] == '[' {
			b = []byte(`{"items":` + string(b) + `,"total":1,"page":1}`)
		} else {
			b = []byte(`{"items":[` + string(b) + `],"total":1,"page":1}`)
		}
		out = append(out, b)
	}
	return out
}

// checkAROPageDecode asserts decodeAROPage accepts what json.Unmarshal
// accepts and gives what it gives; what encoding/json refuses, it refuses
// too, leaving the page untouched. It reports whether the page was taken.
func checkAROPageDecode(t *testing.T, b []byte) bool {
	t.Helper()
	var want itemPage[ARO]
	werr := json.Unmarshal(b, &want)
	var got itemPage[ARO]
	if !decodeAROPage(b, &got) {
		if !reflect.DeepEqual(got, itemPage[ARO]{}) {
			t.Fatalf("refused but wrote the page: %#v", got)
		}
		if werr == nil {
			t.Fatalf("refused %q, which encoding/json takes", b)
		}
		return false
	}
	if werr != nil {
		t.Fatalf("decoded %q, but encoding/json says %v", b, werr)
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		t.Fatalf("decoded differently from encoding/json for %q:\n got %s (items nil %v)\nwant %s (items nil %v)", b, gj, got.Items == nil, wj, want.Items == nil)
	}
	return true
}

// TestDecodeAROPageTakesPortalPages: the pages the portal sends (the
// contract's fixtures and the mock's generated data) give what
// encoding/json gives.
func TestDecodeAROPageTakesPortalPages(t *testing.T) {
	pages := append(fixturePages(t), generatedPages(t, 7, 20, 100)...)
	for i, b := range pages {
		if !checkAROPageDecode(t, b) {
			t.Fatalf("page %d refused", i)
		}
	}
}

// TestDecodeAROPageAsEncodingJSON: encoding/json's own rules — names in
// any case, a repeated name, invalid UTF-8, null over a value — give its
// answer; what it refuses is refused, and decode gives its error.
func TestDecodeAROPageAsEncodingJSON(t *testing.T) {
	for _, s := range []string{
		``, `[]`, `{"items":[{"ID":1}],"total":1,"page":1}`,
		`{"items":[],"total":1.5,"page":1}`,
		`{"items":[],"total":1,"page":1} x`,
		`{"items":[{"ID":"a","count":1.5}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","title":"\'"}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","steps":[{"completed":"yes"}]}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","references":"x"}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","serial_id":true}],"total":1,"page":1}`,
	} {
		if checkAROPageDecode(t, []byte(s)) {
			t.Errorf("took %q", s)
		}
	}
	for _, s := range []string{
		`{"items":[{"ID":"a","id":"b"}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","ID":"b"}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","ID":null}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","organization":{"ID":"x"},"organization":{"name":"y"}}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","steps":[{"ID":"x"}],"steps":[{"label":"y"}]}],"total":1,"page":1}`,
		`{"ITEMS":[],"total":1,"page":1}`,
		`{"items":[{"ID":"a","s\u0065verity":"High"}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","SERIAL_ID":3,"serial-id":4,"serialid":5}],"total":1,"page":1}`,
		"{\"items\":[{\"ID\":\"a\",\"\u212aey\":1,\"alert_\u212aey\":\"k\"}],\"total\":1,\"page\":1}",
		`{"items":[null,{"ID":null,"count":"3","serial_id":11,"references":[1,null,"x",{"a":[]}],"steps":[null,{}]}],"total":1,"page":1,"extra":{"k":[1,2e3,true]}}`,
		"{\"items\":[{\"ID\":\"\xff\\ud800x\\ud83d\\ude00\",\"title\":\"\\u00e9\\n\\\"\\/\\b\\f\\r\\t\\\\\"}],\"total\":0,\"page\":-0}",
		` { "items" : [ ] , "total" : 1 , "page" : 2 } `,
		`null`,
		`{"items":null,"total":null,"page":null}`,
		`{}`,
		`{"items":[{"ID":"a","x":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}],"total":1,"page":1}`,
	} {
		if !checkAROPageDecode(t, []byte(s)) {
			t.Errorf("refused %q", s)
		}
	}
}

// FuzzAROPageDecodeEquivalence: on any bytes, decodeAROPage gives exactly
// what json.Unmarshal gives, and refuses what it refuses.
func FuzzAROPageDecodeEquivalence(f *testing.F) {
	for _, b := range fixturePages(f) {
		f.Add(b)
	}
	for _, b := range generatedPages(f, 3, 3, 4) {
		f.Add(b)
	}
	for _, s := range []string{
		`{"items":[{"ID":"a"},{"ID":"b"}],"total":2,"page":1}`,
		`{"items":[{"ID":"a","id":"b","Id":"c"}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","count":1.0,"serial_id":"7","references":null,"steps":[]}],"total":1,"page":1}`,
		"{\"items\":[{\"ID\":\"\\ud800\",\"details\":\"\xed\xa0\x80\xc3(\"}],\"total\":1,\"page\":1}",
		`{"items":[{"ID":"a","organization":{"ID":null,"email":"e","name":"n","x":{}}}],"total":1,"page":1}`,
		`{"items":[{"ID":"a","steps":[{"ID":"s","completed":true,"label":null,"last_updated_time":"t"}]}],"total":1,"page":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkAROPageDecode(t, b)
	})
}

// BenchmarkDecodeAROPage: one 100-item generated page, encoding/json
// against decodeAROPage.
func BenchmarkDecodeAROPage(b *testing.B) {
	page := generatedPages(b, 1, 1, 100)[0]
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var p itemPage[ARO]
			if err := json.Unmarshal(page, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-json-experiment", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var p itemPage[ARO]
			if !decodeAROPage(page, &p) {
				b.Fatal("refused")
			}
		}
	})
}

// FuzzAROPageDecodeField puts a fuzzed key and value into an ARO, its
// organization and a step of an otherwise valid page, so most inputs reach
// the decoding of fields rather than the syntax checks.
func FuzzAROPageDecodeField(f *testing.F) {
	for _, kv := range [][2]string{
		{"title", `"x"`}, {"count", `"3"`}, {"count", `2.0`}, {"serial_id", `-1.5e3`}, {"references", `[1,null,"a"]`},
		{"id", `"b"`}, {"ID", `null`}, {"steps", `[{"completed":false},null]`}, {"organization", `{"name":"\u00e9"}`},
		{"details", `"\ud83d\ude00\ud800\n\"\\"`}, {"details", "\"\xff\xc3\""}, {"completed", `true`}, {"email", `null`},
		{"x", `{"a":[1,{"b":null}]}`}, {"Severity", `"High"`}, {"notes", `"\'"`},
		{"serial_id", `0 `}, {"serial_id", `"esc\"aped"`}, {"serial_id", `true`}, {"serial_id", `{"a":1}`},
		{"references", `[ "a" , 1, null, true, {"k": [1, "x\"]"]}, [ ], "\u00e9\n" ]`}, {"references", `"x"`},
		{"references", "[\"\xff\"]"}, {"references", `[1.5e3,-0]`}, {"references", `{}`}, {"count", ` 0`},
	} {
		f.Add(kv[0], kv[1])
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		for _, page := range []string{
			`{"items":[{"ID":"a","` + key + `":` + value + `}],"total":1,"page":1}`,
			`{"items":[{"ID":"a","organization":{"ID":"o","` + key + `":` + value + `}}],"total":1,"page":1}`,
			`{"items":[{"ID":"a","steps":[{"ID":"s","` + key + `":` + value + `}]}],"total":1,"page":1}`,
			`{"items":[],"` + key + `":` + value + `,"total":1,"page":1}`,
		} {
			checkAROPageDecode(t, []byte(page))
		}
	})
}

// fill sets every exported field of v, at any depth, to a value no other
// field has: strings "v1", "v2", ..., integers 1, 2, ..., true, and two
// elements in every slice.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(t, v.Index(0), n)
		fill(t, v.Index(1), n)
	case reflect.String:
		*n++
		v.SetString(fmt.Sprintf("v%d", *n))
	case reflect.Int, reflect.Int64:
		*n++
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	default:
		t.Fatalf("fill: no distinct value for a %v: teach fill this kind", v.Type())
	}
}

// TestAROPageDecodeFillsEveryField: a page whose ARO has a distinct value in
// every field, as encoding/json encodes it, gives every value back in its
// own field; so does one whose fields are all null. A field added to ARO is
// covered here without touching the test.
func TestAROPageDecodeFillsEveryField(t *testing.T) {
	var full itemPage[ARO]
	n := 0
	fill(t, reflect.ValueOf(&full).Elem(), &n)
	for _, page := range []itemPage[ARO]{full, {Items: []ARO{{ID: "only-id"}}}} {
		b, err := json.Marshal(page)
		if err != nil {
			t.Fatal(err)
		}
		var got itemPage[ARO]
		if !decodeAROPage(b, &got) {
			t.Fatalf("refused the page encoding/json wrote: %s", b)
		}
		for _, pair := range [][2]reflect.Value{
			{reflect.ValueOf(got), reflect.ValueOf(page)},
			{reflect.ValueOf(got.Items[0]), reflect.ValueOf(page.Items[0])},
		} {
			g, w := pair[0], pair[1]
			for i := range w.NumField() {
				if w.Type().Field(i).Name == "Items" {
					continue // compared element by element
				}
				if gf, wf := g.Field(i).Interface(), w.Field(i).Interface(); !reflect.DeepEqual(gf, wf) {
					gj, _ := json.Marshal(gf)
					wj, _ := json.Marshal(wf)
					f := w.Type().Field(i)
					t.Errorf("%v.%s (JSON %q): decoded %s, want %s",
						w.Type(), f.Name, f.Tag.Get("json"), gj, wj)
				}
			}
		}
		checkAROPageDecode(t, b)
	}
}

// TestDecodeAROPageNestingLimit: at encoding/json's nesting limit the
// decoder takes what encoding/json takes and refuses the rest.
func TestDecodeAROPageNestingLimit(t *testing.T) {
	page := func(depth int) []byte {
		// The page, its items and the ARO are three levels above x's value.
		return []byte(`{"items":[{"ID":"a","x":` + strings.Repeat("[", depth-3) + strings.Repeat("]", depth-3) + `}]}`)
	}
	var v any
	if json.Unmarshal(page(10000), &v) != nil || json.Unmarshal(page(10001), &v) == nil {
		t.Fatal("encoding/json's nesting limit is not 10,000: move the depths of this test to it")
	}
	for depth := 9998; depth <= 10002; depth++ {
		took := checkAROPageDecode(t, page(depth))
		if depth <= 10000 && !took {
			t.Errorf("refused %d levels, within encoding/json's limit", depth)
		}
	}
}
