package provider

import (
	"fmt"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

// TestAROMappingReachesEveryField: an ARO with a distinct value in every
// field (found by reflection, so a new field is included without touching
// the test), written through aroMapping, shows each value in some
// attribute. A field of covalence.ARO without its line in aroMapping is
// named.
func TestAROMappingReachesEveryField(t *testing.T) {
	var a covalence.ARO
	where := map[string]string{} // value -> the field it was put in
	n := 0
	var fill func(v reflect.Value, path string)
	fill = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), path)
		case reflect.Struct:
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					fill(v.Field(i), path+"."+f.Name)
				}
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0), path+"[0]")
		case reflect.String:
			n++
			v.SetString(fmt.Sprintf("v%d", n))
			where[v.String()] = path
		case reflect.Int64:
			n++
			v.SetInt(int64(1000 + n))
			where[fmt.Sprint(v.Int())] = path
		case reflect.Bool:
			v.SetBool(true) // not distinct: a bool field is checked by its own attribute's test
		default:
			t.Fatalf("%s: no distinct value for a %v", path, v.Type())
		}
	}
	fill(reflect.ValueOf(&a).Elem(), "covalence.ARO")

	_, full := arosSchemaInfo()
	val, err := fastread.Value(full.Attr("aros").Elem(), func(w fastread.Writer) { aroMapping.write(&a, w) })
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	err = tftypes.Walk(val, func(_ *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		var s string
		var f big.Float
		switch {
		case v.Type().Is(tftypes.String) && v.As(&s) == nil:
			written[s] = true
		case v.Type().Is(tftypes.Number) && v.As(&f) == nil:
			written[f.Text('f', -1)] = true
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for value, path := range where {
		if !written[value] {
			t.Errorf("%s reaches no attribute of covalence_aros.aros: add its line to aroMapping (aro_mapping.go)", path)
		}
	}
}
