package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// TestPlainPageDecodesEveryField: a page the mock portal serves decodes into
// plainPage with every field the client reads (covalence.ARO's) kept as sent
// (encoded again, it is the value it was), so the bare fetch does the
// decoding work the provider does; a field the plain types lose or mangle is
// named. Fields the client does not read, which the mock sends as newer
// servers do, are skipped by both.
func TestPlainPageDecodesEveryField(t *testing.T) {
	data := mockportal.Generate(7, 5, 120, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	body, err := json.Marshal(map[string]any{"items": data.AROs, "total": len(data.AROs), "page": 1})
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(body, &sent); err != nil {
		t.Fatal(err)
	}

	var clientFields []string
	for f := range reflect.TypeFor[covalence.ARO]().Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() && name != "" && name != "-" {
			clientFields = append(clientFields, name)
		}
	}

	p := reflect.New(plainPage)
	if err := json.Unmarshal(body, p.Interface()); err != nil {
		t.Fatalf("a mock page does not decode into plainPage: %v", err)
	}
	items := p.Elem().FieldByName("Items")
	if items.Len() != len(data.AROs) || p.Elem().FieldByName("Total").Int() != int64(len(data.AROs)) {
		t.Fatalf("decoded %d items, total %d; want %d", items.Len(), p.Elem().FieldByName("Total").Int(), len(data.AROs))
	}
	for i := range items.Len() {
		again, err := json.Marshal(items.Index(i).Interface())
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(again, &got); err != nil {
			t.Fatal(err)
		}
		for _, k := range clientFields {
			want, ok := sent.Items[i][k]
			if !ok {
				t.Fatalf("the mock's ARO %d has no field %q", i, k)
			}
			if !reflect.DeepEqual(got[k], want) {
				t.Errorf("ARO %d: field %q decoded as %v, sent %v: plainType (benchfetch/main.go) lacks or mangles it", i, k, got[k], want)
			}
		}
	}
}

// Types with a decoding of their own, and without, as the client may have.
type (
	ownCount int64
	ownFlex  string
	ownList  []string
	level    string
	object   struct{ A *string }
)

func (*ownCount) UnmarshalJSON([]byte) error { return nil }
func (*ownFlex) UnmarshalJSON([]byte) error  { return nil }
func (*ownList) UnmarshalJSON([]byte) error  { return nil }

// TestPlainType: the plain form of each kind of field the client may read.
func TestPlainType(t *testing.T) {
	for _, tc := range []struct{ in, want reflect.Type }{
		{reflect.TypeFor[string](), reflect.TypeFor[string]()},
		{reflect.TypeFor[*string](), reflect.TypeFor[*string]()},
		{reflect.TypeFor[*bool](), reflect.TypeFor[*bool]()},
		{reflect.TypeFor[*float64](), reflect.TypeFor[*float64]()},
		{reflect.TypeFor[*level](), reflect.TypeFor[*string]()},
		{reflect.TypeFor[*ownCount](), reflect.TypeFor[*json.Number]()},
		{reflect.TypeFor[*ownFlex](), reflect.TypeFor[json.RawMessage]()},
		{reflect.TypeFor[ownList](), reflect.TypeFor[[]json.RawMessage]()},
		{reflect.TypeFor[*object](), reflect.TypeFor[*map[string]any]()},
		{reflect.TypeFor[[]object](), reflect.TypeFor[[]map[string]any]()},
		{reflect.TypeFor[map[level]ownCount](), reflect.TypeFor[map[string]json.Number]()},
		{reflect.TypeFor[*time.Time](), reflect.TypeFor[json.RawMessage]()},
		{reflect.TypeFor[[]byte](), reflect.TypeFor[[]byte]()},
		{reflect.TypeFor[[]*ownFlex](), reflect.TypeFor[[]json.RawMessage]()},
	} {
		if got := plainType(tc.in); got != tc.want {
			t.Errorf("plainType(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
