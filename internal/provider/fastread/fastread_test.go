package fastread

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// writeValue writes a tftypes.Value through a Writer, as a mapping would.
func writeValue(v tftypes.Value, w Writer) {
	if v.IsNull() {
		w.Null()
		return
	}
	switch t := v.Type(); {
	case t.Is(tftypes.String):
		var s string
		_ = v.As(&s)
		w.String(s)
	case t.Is(tftypes.Number):
		var f big.Float
		_ = v.As(&f)
		i, _ := f.Int64()
		w.Int64(i)
	case t.Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		w.Bool(b)
	case t.Is(tftypes.List{}):
		var l []tftypes.Value
		_ = v.As(&l)
		w.List(len(l), func(i int, w Writer) { writeValue(l[i], w) })
	case t.Is(tftypes.Object{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		keys := Compile(t).Keys()
		w.Object(func(i int, w Writer) { writeValue(m[keys[i]], w) })
	}
}

// randType makes a random schema type of strings, numbers, bools, lists and objects.
func randType(r *rand.Rand, depth int) tftypes.Type {
	switch k := r.IntN(6); {
	case k == 0 || depth > 3:
		return tftypes.String
	case k == 1:
		return tftypes.Number
	case k == 2:
		return tftypes.Bool
	case k == 3:
		return tftypes.List{ElementType: randType(r, depth+1)}
	default:
		at := map[string]tftypes.Type{}
		for n := r.IntN(20); n >= 0; n-- {
			at[fmt.Sprintf("a%02d_%s", r.IntN(40), strings.Repeat("k", r.IntN(40)))] = randType(r, depth+1)
		}
		return tftypes.Object{AttributeTypes: at}
	}
}

var edgeInts = []int64{0, 1, -1, 127, 128, -32, -33, 255, 256, -128, -129, 65535, 65536, -32768, -32769,
	math.MaxUint32, math.MaxUint32 + 1, math.MinInt32, math.MinInt32 - 1, math.MaxInt64, math.MinInt64, 1 << 40}

// budget bounds the size of one random case: values, and bytes of string.
type budget struct{ values, bytes int }

func newBudget() *budget { return &budget{values: 3000, bytes: 400 << 10} }

// randValue makes a random value of type t; text seeds the strings. Once
// the budget is spent, values are null.
func randValue(r *rand.Rand, t tftypes.Type, text string, b *budget) tftypes.Value {
	b.values--
	if r.IntN(5) == 0 || b.values < 0 || b.bytes < 0 {
		return tftypes.NewValue(t, nil)
	}
	switch {
	case t.Is(tftypes.String):
		lens := []int{0, 1, 31, 32, 255, 256, 65535, 65536}
		s := strings.Repeat(text+"é", 1+r.IntN(3))
		if r.IntN(4) == 0 {
			s = strings.Repeat("x", lens[r.IntN(len(lens))])
		}
		b.bytes -= len(s)
		return tftypes.NewValue(t, s)
	case t.Is(tftypes.Number):
		n := edgeInts[r.IntN(len(edgeInts))]
		if r.IntN(2) == 0 {
			n = r.Int64() >> r.IntN(64)
			if r.IntN(2) == 0 {
				n = -n
			}
		}
		return tftypes.NewValue(t, new(big.Float).SetInt64(n))
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, r.IntN(2) == 0)
	}
	switch tt := t.(type) {
	case tftypes.List:
		sizes := []int{0, 1, 15, 16, 17}
		vals := make([]tftypes.Value, sizes[r.IntN(len(sizes))])
		for i := range vals {
			vals[i] = randValue(r, tt.ElementType, text, b)
		}
		return tftypes.NewValue(t, vals)
	case tftypes.Object:
		vals := map[string]tftypes.Value{}
		for k, at := range tt.AttributeTypes {
			vals[k] = randValue(r, at, text, b)
		}
		return tftypes.NewValue(t, vals)
	}
	return tftypes.NewValue(t, nil)
}

func marshal(t testing.TB, v tftypes.Value) []byte {
	t.Helper()
	b, err := v.MarshalMsgPack(v.Type()) //nolint:staticcheck // the reference
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// assertSame: a list of values written through both encoders gives the
// values themselves (tftypes) and their tftypes encoding, byte for byte (msgpack).
func assertSame(t testing.TB, elem tftypes.Type, vals []tftypes.Value) {
	t.Helper()
	listT := tftypes.List{ElementType: elem}
	et := Compile(elem)
	items := NewItems(et, func(v *tftypes.Value, w Writer) { writeValue(*v, w) })
	for i := range vals {
		got, err := Value(et, func(w Writer) { writeValue(vals[i], w) })
		if err != nil {
			t.Fatalf("Value: %v", err)
		}
		if !got.Equal(vals[i]) {
			t.Fatalf("Value(%v) = %v", vals[i], got)
		}
		if err := items.Add(&vals[i]); err != nil {
			t.Fatalf("Items.Add: %v", err)
		}
	}
	got := appendArrayLen(nil, len(vals))
	for i := range vals {
		got = append(got, items.item(i)...)
	}
	want := marshal(t, tftypes.NewValue(listT, vals))
	if !bytes.Equal(got, want) {
		t.Fatalf("msgpack differs from tftypes at byte %d of %d/%d", firstDiff(got, want), len(got), len(want))
	}
}

func TestEncodersMatchTFTypes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		typ := randType(r, 0)
		vals := make([]tftypes.Value, r.IntN(5))
		b := newBudget()
		for j := range vals {
			vals[j] = randValue(r, typ, "Connexion suspecte — 日本 🚨 \x00\"\\", b)
		}
		assertSame(t, typ, vals)
	}
	// Every integer width, on its boundaries.
	var ints []tftypes.Value
	for _, n := range edgeInts {
		ints = append(ints, tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n)))
	}
	assertSame(t, tftypes.Number, ints)
}

func FuzzEncodersMatchTFTypes(f *testing.F) {
	f.Add(uint64(1), "Malware detected", 3)
	f.Add(uint64(2), "", 0)
	f.Add(uint64(3), "日本 🚨 \x00", 9)
	f.Fuzz(func(t *testing.T, seed uint64, text string, n int) {
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		typ := randType(r, 0)
		vals := make([]tftypes.Value, max(0, min(n, 20)))
		b := newBudget()
		for i := range vals {
			vals[i] = randValue(r, typ, text, b)
		}
		assertSame(t, typ, vals)
	})
}

// TestEncodeState: the assembled state is tftypes' encoding of the whole
// object, whether the list is first or not, a list or a dynamic attribute
// holding one (beside a null one of each), and the order identity or not.
func TestEncodeState(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	elem := randType(r, 1)
	for _, c := range []struct {
		listName string
		listType tftypes.Type
	}{
		{"aros", tftypes.List{ElementType: elem}},
		{"zz_last", tftypes.List{ElementType: elem}},
		{"items", tftypes.DynamicPseudoType},
	} {
		listName := c.listName
		root := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			listName: c.listType, "id": tftypes.String, "total": tftypes.Number,
			"counts":     tftypes.Map{ElementType: tftypes.Number},
			"other_list": tftypes.List{ElementType: elem}, "other_dynamic": tftypes.DynamicPseudoType,
		}}
		rt := Compile(root)
		for _, n := range []int{0, 1, 20} {
			vals := make([]tftypes.Value, n)
			b := newBudget()
			for i := range vals {
				vals[i] = randValue(r, elem, "x", b)
			}
			orders := map[string][]int{"identity": {}, "reversed": {}, "cut": {}}
			for i := 0; i < n; i++ {
				orders["identity"] = append(orders["identity"], i)
				orders["reversed"] = append(orders["reversed"], n-1-i)
				if i%2 == 0 {
					orders["cut"] = append(orders["cut"], i)
				}
			}
			for name, order := range orders {
				items := NewItems(Compile(elem), func(v *tftypes.Value, w Writer) { writeValue(*v, w) })
				for i := range vals {
					if err := items.Add(&vals[i]); err != nil {
						t.Fatal(err)
					}
				}
				attrs := map[string]tftypes.Value{
					"id":            tftypes.NewValue(tftypes.String, "abc"),
					"total":         tftypes.NewValue(tftypes.Number, len(order)),
					"counts":        tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, map[string]tftypes.Value{"High": tftypes.NewValue(tftypes.Number, 2)}),
					"other_list":    tftypes.NewValue(tftypes.List{ElementType: elem}, nil),
					"other_dynamic": tftypes.NewValue(tftypes.DynamicPseudoType, nil),
				}
				got, err := EncodeState(rt, listName, items, order, attrs)
				if err != nil {
					t.Fatal(err)
				}
				list := make([]tftypes.Value, len(order))
				for i, idx := range order {
					list[i] = vals[idx]
				}
				attrs[listName] = tftypes.NewValue(tftypes.List{ElementType: elem}, list)
				want := marshal(t, tftypes.NewValue(root, attrs))
				if !bytes.Equal(got, want) {
					t.Fatalf("%s, %d items, order %s: state differs from tftypes at byte %d of %d/%d", listName, n, name, firstDiff(got, want), len(got), len(want))
				}
			}
		}
	}
}

func TestEncodeStateRefusesBadInput(t *testing.T) {
	rt := Compile(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"l": tftypes.List{ElementType: tftypes.String}, "id": tftypes.String}})
	items := NewItems(rt.Attr("l").Elem(), func(v *string, w Writer) { w.String(*v) })
	s := "a"
	_ = items.Add(&s)
	for name, c := range map[string]struct {
		list  string
		order []int
		vals  map[string]tftypes.Value
		want  string
	}{
		"no list":       {"id", []int{0}, nil, "is neither a list nor a dynamic attribute"},
		"order too far": {"l", []int{1}, nil, "item 1 of 1"},
		"missing value": {"l", []int{0}, map[string]tftypes.Value{}, `"id" has no value`},
	} {
		if _, err := EncodeState(rt, c.list, items, c.order, c.vals); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

// TestWriterErrors: a value of the wrong kind, or an attribute left
// unwritten, is an error on both encoders rather than a silent desync.
func TestWriterErrors(t *testing.T) {
	obj := Compile(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String, "b": tftypes.Number}})
	cases := map[string]struct {
		write func(w Writer)
		want  string
	}{
		"wrong kind": {func(w Writer) {
			w.Object(func(i int, w Writer) { w.String("x") })
		}, "a string written where the schema has tftypes.Number"},
		"not written": {func(w Writer) {
			w.Object(func(i int, w Writer) {
				if i == 0 {
					w.String("x")
				}
			})
		}, `attribute "b" was not written`},
		"list for object": {func(w Writer) { w.List(0, nil) }, "a list written where the schema has"},
		"fail":            {func(w Writer) { w.Fail("broken %d", 7) }, "broken 7"},
	}
	for name, c := range cases {
		if _, err := Value(obj, c.write); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: tftypes encoder: %v, want %q", name, err, c.want)
		}
		items := NewItems(obj, func(_ *int, w Writer) { c.write(w) })
		if err := items.Add(new(int)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: msgpack encoder: %v, want %q", name, err, c.want)
		}
	}
}

// TestEncodeStateAcrossChunks: items spread over many chunks come out whole.
func TestEncodeStateAcrossChunks(t *testing.T) {
	root := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"l": tftypes.List{ElementType: tftypes.String}, "n": tftypes.Number}}
	rt := Compile(root)
	var vals []tftypes.Value
	for i := 0; i < 300; i++ {
		vals = append(vals, tftypes.NewValue(tftypes.String, strings.Repeat(string(rune('a'+i%26)), 1000+i*97)))
	}
	for _, reversed := range []bool{false, true} {
		items := NewItems(rt.Attr("l").Elem(), func(v *tftypes.Value, w Writer) { writeValue(*v, w) })
		order := make([]int, len(vals))
		list := make([]tftypes.Value, len(vals))
		for i := range vals {
			if err := items.Add(&vals[i]); err != nil {
				t.Fatal(err)
			}
			order[i] = i
			if reversed {
				order[i] = len(vals) - 1 - i
			}
			list[i] = vals[order[i]]
		}
		if len(items.chunks) < 5 {
			t.Fatalf("only %d chunks", len(items.chunks))
		}
		got, err := EncodeState(rt, "l", items, order, map[string]tftypes.Value{"n": tftypes.NewValue(tftypes.Number, 3)})
		if err != nil {
			t.Fatal(err)
		}
		want := marshal(t, tftypes.NewValue(root, map[string]tftypes.Value{"l": tftypes.NewValue(root.AttributeTypes["l"], list), "n": tftypes.NewValue(tftypes.Number, 3)}))
		if !bytes.Equal(got, want) {
			t.Fatalf("reversed=%v: differs at byte %d of %d/%d", reversed, firstDiff(got, want), len(got), len(want))
		}
	}
}

// TestEncodeStateDynamicTypeSizes: the dynamic attribute's type, as JSON,
// in each of msgpack's bin widths (under 256 bytes, under 64 KiB, more).
func TestEncodeStateDynamicTypeSizes(t *testing.T) {
	wide := func(n int) tftypes.Type {
		at := map[string]tftypes.Type{}
		for i := 0; i < n; i++ {
			at[fmt.Sprintf("attribute_with_a_long_name_%05d", i)] = tftypes.String
		}
		return tftypes.Object{AttributeTypes: at}
	}
	for _, elem := range []tftypes.Type{tftypes.String, wide(10), wide(3000)} {
		root := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"items": tftypes.DynamicPseudoType, "id": tftypes.String}}
		rt := Compile(root)
		et := Compile(elem)
		typeJSON, _ := tftypes.List{ElementType: elem}.MarshalJSON() //nolint:staticcheck // the size of the reference's type JSON
		r := rand.New(rand.NewPCG(3, uint64(len(typeJSON))))
		vals := []tftypes.Value{randValue(r, elem, "x", newBudget()), randValue(r, elem, "y", newBudget())}
		items := NewItems(et, func(v *tftypes.Value, w Writer) { writeValue(*v, w) })
		for i := range vals {
			if err := items.Add(&vals[i]); err != nil {
				t.Fatal(err)
			}
		}
		attrs := map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "abc")}
		got, err := EncodeState(rt, "items", items, []int{1, 0}, attrs)
		if err != nil {
			t.Fatal(err)
		}
		attrs["items"] = tftypes.NewValue(tftypes.List{ElementType: elem}, []tftypes.Value{vals[1], vals[0]})
		want := marshal(t, tftypes.NewValue(root, attrs))
		if !bytes.Equal(got, want) {
			t.Fatalf("type of %d bytes: differs from tftypes at byte %d of %d/%d", len(typeJSON), firstDiff(got, want), len(got), len(want))
		}
	}
}
