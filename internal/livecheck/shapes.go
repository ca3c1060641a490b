package livecheck

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// The contract's value sets, as the client knows them.
var (
	severities  = covalence.Severities
	statuses    = covalence.Statuses
	resolutions = covalence.Resolutions
	types       = covalence.Types
)

// portalTime is the contract's timestamp format (UTC).
const portalTime = covalence.PortalTimeLayout

// jsonType names the JSON type of a value decoded by decodeJSON.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// rule is what the contract says of one field: its JSON types ("null"
// included where it may be null), its documented values, whether it is a
// portal timestamp, and the rules of an object's fields or of an array's
// object entries.
type rule struct {
	types  []string
	values []string
	time   bool
	fields map[string]rule // object (or array of objects) fields
	elem   []string        // types of an array's entries
	// private: the value holds personal data (never reported, scrubbed)
	private bool
	// loose: a field of the contract's example whose type is not stated
	loose bool
}

var (
	str      = rule{types: []string{"string"}}
	strNull  = rule{types: []string{"string", "null"}}
	timeNull = rule{types: []string{"string", "null"}, time: true}
	boolNull = rule{types: []string{"bool", "null"}}
)

// aroRules is the ARO object of the contract as the client reads it: derived
// from covalence.ARO by rulesOf, so a field added to the client is checked on
// a real portal with no change here. The types cannot say what aroClasses
// say by path: the documented values of the enumerated fields, and which
// string fields hold personal data and which do not. A string field in none
// of them is scrubbed as personal, and TestARORulesClassifyEveryString names
// it, so that a new field is classified by someone who has looked at it.
var aroRules = rulesOf(reflect.TypeFor[covalence.ARO](), "", aroClasses)

var aroClasses = classes{
	values: map[string][]string{"resolution": resolutions, "severity": severities, "status": statuses, "type": types},
	// Free text about a client's people and systems (user names, e-mail
	// addresses, hosts), and a contact's address.
	private: []string{"analyst_notes", "details", "details_markdown", "notes", "organization.email", "steps[].label", "title"},
	// Identifiers, times, links and the organization's name (public in
	// the organization list too).
	public: []string{"ID", "alert_key", "creation_time", "display_url", "external_bug_id", "last_updated_time",
		"organization.ID", "organization.name", "references", "serial_id", "steps[].ID", "steps[].last_updated_time",
		"template_id", "triage_id"},
}

// classes are what the Go types of a struct cannot say of its fields, by
// path (prefix + name, "." into an object, "[]." into an array's entries):
// the documented values of enumerated fields, and the string fields that
// hold personal data (private) or do not (public). A field with values is
// public.
type classes struct {
	values          map[string][]string
	private, public []string
}

// rulesOf derives the rules of the JSON fields of the struct typ from their Go
// types (ruleOf); a field whose name ends in "_time" is a portal timestamp.
// A field of strings (or of an array of strings) that c does not name
// public or give values is private: unclassified, it may hold personal
// data. A field the rules cannot name as the decoders do (untagged, or
// embedded) gets a loose rule under its Go name; the tests forbid loose
// rules for the client's types.
func rulesOf(typ reflect.Type, prefix string, c classes) map[string]rule {
	out := map[string]rule{}
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" || f.Anonymous {
			out[f.Name] = rule{loose: true}
			continue
		}
		path := prefix + name
		r := ruleOf(f.Type, path, c)
		r.values = c.values[path]
		strs := slices.Contains(r.types, "string") || slices.Contains(r.elem, "string")
		r.private = slices.Contains(c.private, path) || strs && r.values == nil && !slices.Contains(c.public, path)
		r.time = slices.Contains(r.types, "string") && strings.HasSuffix(name, "_time")
		out[name] = r
	}
	return out
}

// ruleOf is the rule of a value of Go type t at path: its JSON type (jsonKind),
// null allowed for a pointer or a slice, and the rules of an object's fields
// or of an array's object entries. It is loose when the JSON type cannot be
// told from t: no JSON kind, or an object with no JSON fields (a type such as
// time.Time, which decodes from a string).
func ruleOf(t reflect.Type, path string, c classes) rule {
	var r rule
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		r.types = []string{"null"}
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	kind := jsonKind(t)
	switch kind {
	case "":
		return rule{loose: true}
	case "object":
		if r.fields = rulesOf(t, path+".", c); len(r.fields) == 0 {
			return rule{loose: true}
		}
	case "array":
		e := t.Elem()
		if e.Kind() == reflect.Pointer {
			e = e.Elem()
		}
		switch r.elem = []string{jsonKind(e)}; r.elem[0] {
		case "":
			return rule{loose: true}
		case "object":
			if r.fields = rulesOf(e, path+"[].", c); len(r.fields) == 0 {
				return rule{loose: true}
			}
		}
	}
	r.types = append(r.types, kind)
	return r
}

// jsonKind is the JSON type (as jsonType names it) of a Go type's values,
// "" when it has none of them or may have any.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Struct:
		return "object"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // []byte, json.RawMessage: any JSON
			return ""
		}
		return "array"
	}
	return ""
}

// aroNewer are the fields the contract has seen newer servers add.
var aroNewer = []string{"attachments", "data", "external_ticket", "frameworks", "insights", "resolution_duration_seconds", "resolution_time"}

var providerRules = map[string]rule{"ID": str, "name": strNull}

var orgListRules = map[string]rule{
	"ID": str, "name": str, "email": {types: []string{"string", "null"}, private: true}, "email_aro_details": {types: []string{"bool"}},
}

// orgListNewer: "newer servers add more fields (e.g. client_id)".
var orgListNewer = []string{"client_id"}

var person = rule{types: []string{"object", "null"}, private: true}

var orgDetailRules = map[string]rule{
	"ID": strNull, "id": strNull, "name": strNull, "email": {types: []string{"string", "null"}, private: true},
	"email_aro_details": boolNull, "client_id": strNull, "status": strNull, "license_type": strNull,
	"service_tier": strNull, "is_trial": boolNull, "created_time": timeNull, "last_updated_time": timeNull,
	"profile": {types: []string{"object", "null"}, fields: map[string]rule{
		"default_locale": strNull, "industry": strNull, "address": {loose: true, private: true},
		"contact_email": {loose: true, private: true}, "contact_phone_number": {loose: true, private: true},
		"created_time": timeNull, "id": strNull, "last_updated_time": timeNull, "website": {loose: true},
	}},
	"active_response_profile": {types: []string{"object", "null"}, fields: map[string]rule{
		"response_policy": strNull, "options": {loose: true},
	}},
	"contacts": {types: []string{"array", "null"}, elem: []string{"object"}, fields: map[string]rule{
		"id": strNull, "type": strNull, "user": person, "contact_info": person,
		"created_time": timeNull, "last_updated_time": timeNull, "organization_id": strNull, "provider_id": strNull,
	}},
	// In the contract's example, types not stated.
	"crm_account_id": {loose: true}, "dns_firewall_enabled": {loose: true}, "parent_id": {loose: true},
	"roaming_dns_firewall_enabled": {loose: true}, "store_endpoint_device_data": {loose: true},
}

// oddities collects Oddity lines, one per (object, field, kind, value).
type oddities struct {
	m map[string]*Oddity
}

func (o *oddities) add(object, field, kind, value, id string) {
	if o.m == nil {
		o.m = map[string]*Oddity{}
	}
	k := object + "\x00" + field + "\x00" + kind + "\x00" + value
	if x, ok := o.m[k]; ok {
		x.Count++
		return
	}
	o.m[k] = &Oddity{Object: object, Field: field, Kind: kind, Value: value, Count: 1, Example: id}
}

func (o *oddities) list() []Oddity {
	out := make([]Oddity, 0, len(o.m))
	for _, x := range o.m {
		out = append(out, *x)
	}
	return out
}

// check compares the object m (its ID id) with rules; newer lists fields
// expected beyond them. Personal values go to secrets, never to the report.
func (o *oddities) check(object, id, prefix string, m map[string]any, rules map[string]rule, newer []string, secrets func(any)) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		name := prefix + k
		r, ok := rules[k]
		if !ok {
			if !slices.Contains(newer, k) {
				o.add(object, name, "undocumented field", jsonType(v), id)
			}
			continue
		}
		if r.private {
			secrets(v)
		}
		if r.loose {
			continue
		}
		o.value(object, id, name, v, r, secrets)
	}
	for k, r := range rules {
		if _, ok := m[k]; !ok && !r.loose && prefix == "" && k != "id" && k != "ID" {
			o.add(object, prefix+k, "documented field absent", "", id)
		}
	}
}

func (o *oddities) value(object, id, name string, v any, r rule, secrets func(any)) {
	t := jsonType(v)
	if !slices.Contains(r.types, t) && (t != "integer" || !slices.Contains(r.types, "number")) {
		o.add(object, name, "unexpected type", t, id)
		return
	}
	if s, ok := v.(string); ok {
		if len(r.values) > 0 && !slices.Contains(r.values, s) {
			o.add(object, name, "undocumented value", short(s), id)
		}
		if r.time {
			if _, err := time.Parse(portalTime, s); err != nil {
				o.add(object, name, "timestamp not YYYY-MM-DD HH:MM:SS", "", id)
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		if r.fields != nil && !r.private {
			o.check(object, id, name+".", x, r.fields, nil, secrets)
		}
	case []any:
		for _, e := range x {
			et := jsonType(e)
			if len(r.elem) > 0 && !slices.Contains(r.elem, et) {
				o.add(object, name+"[]", "unexpected type", et, id)
				continue
			}
			if em, ok := e.(map[string]any); ok && r.fields != nil {
				o.check(object, id, name+"[].", em, r.fields, nil, secrets)
			}
		}
	}
}

// short is an enumerated value as reported: at most 40 characters.
func short(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}

// allStrings collects every string inside v (for the secrets of personal fields).
func allStrings(v any, add func(string)) {
	switch x := v.(type) {
	case string:
		add(x)
	case map[string]any:
		for _, e := range x {
			allStrings(e, add)
		}
	case []any:
		for _, e := range x {
			allStrings(e, add)
		}
	}
}
