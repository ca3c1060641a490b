package covalence

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// decodeAROPage decodes an ARO page the way json.Unmarshal into a zero
// itemPage[ARO] does, without reflection: a jsontext.Decoder reads the
// tokens (it scans, validates and unquotes) and the field tables below fill
// each struct by key. It is deliberately partial: it reports false, leaving
// p untouched, on anything outside the shapes it knows — invalid JSON, a
// type encoding/json would refuse, a duplicated field, a key that differs
// from a field name only by case (encoding/json matches those), a key with
// an escape or a non-ASCII byte, a field of the struct its table lacks —
// and the caller then decodes with json.Unmarshal, which gives the answer
// or the error. FuzzAROPageDecodeEquivalence compares the two on arbitrary
// bytes.
func decodeAROPage(b []byte, p *itemPage[ARO]) bool {
	d := pageDecoder{dec: jsontext.NewDecoder(bytes.NewBuffer(b),
		// encoding/json's rules: invalid UTF-8 and lone surrogates become
		// U+FFFD; a repeated name is allowed (a repeated field is refused
		// by decodeObject, unknown ones are skipped).
		jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))}
	var out itemPage[ARO]
	if !decodeObject(&d, pageFields, &out) {
		return false
	}
	if _, err := d.dec.ReadToken(); !errors.Is(err, io.EOF) {
		return false // something after the page: encoding/json's error
	}
	*p = out
	return true
}

// pageDecoder reads one page. *string fields point into slab, one
// allocation for hundreds of fields. Each string is its own copy, not a
// slice of the page: something kept (the pager's IDs, say) would otherwise
// keep whole pages alive.
type pageDecoder struct {
	dec      *jsontext.Decoder
	slab     []string
	unquoted []byte // scratch for the strings that need unquoting
}

func (d *pageDecoder) newStr(v string) *string {
	if len(d.slab) == cap(d.slab) {
		d.slab = make([]string, 0, 512)
	}
	d.slab = append(d.slab, v)
	return &d.slab[len(d.slab)-1]
}

// ---- the field tables ---------------------------------------------------------

// The tables are the decoder's only knowledge of the types it fills: one
// entry per JSON field, its name and how its value is read into the struct.
// TestAROPageDecoderKnowsEveryField holds each table to the struct's JSON
// fields, and TestAROPageDecodeFillsEveryField decodes a value of every
// field through them.

var pageFields = newFieldTable(
	objectListField("items", 100, aroFields, func(p *itemPage[ARO]) *[]ARO { return &p.Items }),
	intField("total", func(p *itemPage[ARO]) **int { return &p.Total }),
	intField("page", func(p *itemPage[ARO]) **int { return &p.Page }),
)

var aroFields = newFieldTable(
	stringField("ID", func(a *ARO) *string { return &a.ID }),
	stringPtrField("alert_key", func(a *ARO) **string { return &a.AlertKey }),
	stringPtrField("analyst_notes", func(a *ARO) **string { return &a.AnalystNotes }),
	unmarshalerField("count", func(a *ARO) **Count { return &a.Count }),
	stringPtrField("creation_time", func(a *ARO) **string { return &a.CreationTime }),
	stringPtrField("details", func(a *ARO) **string { return &a.Details }),
	stringPtrField("details_markdown", func(a *ARO) **string { return &a.DetailsMarkdown }),
	stringPtrField("display_url", func(a *ARO) **string { return &a.DisplayURL }),
	stringPtrField("external_bug_id", func(a *ARO) **string { return &a.ExternalBugID }),
	stringPtrField("last_updated_time", func(a *ARO) **string { return &a.LastUpdatedTime }),
	stringPtrField("notes", func(a *ARO) **string { return &a.Notes }),
	objectField("organization", orgFields, func(a *ARO) **AROOrganization { return &a.Organization }),
	referencesField("references", func(a *ARO) *References { return &a.References }),
	stringPtrField("resolution", func(a *ARO) **string { return &a.Resolution }),
	flexStringField("serial_id", func(a *ARO) **FlexString { return &a.SerialID }),
	stringPtrField("severity", func(a *ARO) **string { return &a.Severity }),
	stringPtrField("status", func(a *ARO) **string { return &a.Status }),
	objectListField("steps", 4, stepFields, func(a *ARO) *[]Step { return &a.Steps }),
	stringPtrField("template_id", func(a *ARO) **string { return &a.TemplateID }),
	stringPtrField("title", func(a *ARO) **string { return &a.Title }),
	stringPtrField("triage_id", func(a *ARO) **string { return &a.TriageID }),
	stringPtrField("type", func(a *ARO) **string { return &a.Type }),
)

var orgFields = newFieldTable(
	stringPtrField("ID", func(o *AROOrganization) **string { return &o.ID }),
	stringPtrField("email", func(o *AROOrganization) **string { return &o.Email }),
	stringPtrField("name", func(o *AROOrganization) **string { return &o.Name }),
)

var stepFields = newFieldTable(
	stringPtrField("ID", func(s *Step) **string { return &s.ID }),
	boolPtrField("completed", func(s *Step) **bool { return &s.Completed }),
	stringPtrField("label", func(s *Step) **string { return &s.Label }),
	stringPtrField("last_updated_time", func(s *Step) **string { return &s.LastUpdatedTime }),
)

// jsonField is one entry of a table: a JSON name and how its value is read
// into a T. decode reports false when the value is not one it takes as
// encoding/json would.
type jsonField[T any] struct {
	name   string
	decode func(d *pageDecoder, v *T) bool
}

// fieldTable is the fields of T: a field's position in fields is its bit in
// the set of fields seen in an object.
type fieldTable[T any] struct {
	fields []jsonField[T]
	byName map[string]int
	// matched are the JSON names of T's fields, which encoding/json matches
	// case-insensitively: a key equal to one of them but not exactly a
	// name of fields is left to encoding/json.
	matched []string
}

func newFieldTable[T any](fields ...jsonField[T]) *fieldTable[T] {
	if len(fields) > 64 {
		panic(fmt.Sprintf("arodecode: %d fields of %v, more than the 64 bits of a seen-set", len(fields), reflect.TypeFor[T]()))
	}
	t := &fieldTable[T]{fields: fields, byName: make(map[string]int, len(fields)), matched: jsonNames(reflect.TypeFor[T]())}
	for i, f := range fields {
		if _, dup := t.byName[f.name]; dup {
			panic(fmt.Sprintf("arodecode: %v has two entries %q", reflect.TypeFor[T](), f.name))
		}
		t.byName[f.name] = i
	}
	return t
}

// jsonNames are the names encoding/json gives the exported fields of the
// struct type t.
func jsonNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case !f.IsExported() || tag == "-":
			continue
		case name == "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// decodeObject reads the object that comes next into v through its table.
func decodeObject[T any](d *pageDecoder, t *fieldTable[T], v *T) bool {
	if tok, err := d.dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	var seen uint64
	for d.dec.PeekKind() == '"' {
		name, err := d.dec.ReadValue()
		if err != nil {
			return false
		}
		key := name[1 : len(name)-1] // the name as it is written, between its quotes
		k, known := t.byName[string(key)]
		switch {
		case known && seen&(1<<k) != 0:
			return false // duplicated: encoding/json merges or replaces
		case known:
			seen |= 1 << k
			if !t.fields[k].decode(d, v) {
				return false
			}
		case !plainKey(key) || t.matches(key):
			return false // encoding/json's matching rules decide
		default:
			if d.dec.SkipValue() != nil {
				return false
			}
		}
	}
	tok, err := d.dec.ReadToken()
	return err == nil && tok.Kind() == '}'
}

// plainKey reports whether a key's quoted bytes are its name: printable
// ASCII without escapes.
func plainKey(key []byte) bool {
	for _, c := range key {
		if c < 0x20 || c >= 0x80 || c == '\\' {
			return false
		}
	}
	return true
}

// matches reports whether the plain key names one of T's JSON fields,
// ignoring ASCII case, as encoding/json would.
func (t *fieldTable[T]) matches(key []byte) bool {
	for _, n := range t.matched {
		if strings.EqualFold(string(key), n) {
			return true
		}
	}
	return false
}

// ---- how a value is read -------------------------------------------------------

// null consumes the value that comes next if it is null.
func (d *pageDecoder) null() (isNull, ok bool) {
	if d.dec.PeekKind() != 'n' {
		return false, true
	}
	_, err := d.dec.ReadToken()
	return true, err == nil
}

// string reads a JSON string, unquoted as encoding/json does. A string
// without escapes in valid UTF-8 is its bytes; any other is unquoted by
// jsontext.AppendUnquote into a buffer the page's strings share. The
// decoder has validated its syntax, so what AppendUnquote may still report
// is invalid UTF-8 or a lone surrogate, which it has replaced with U+FFFD
// as encoding/json does.
func (d *pageDecoder) string() (string, bool) {
	if d.dec.PeekKind() != '"' {
		return "", false
	}
	raw, err := d.dec.ReadValue()
	if err != nil {
		return "", false
	}
	if s := raw[1 : len(raw)-1]; bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return string(s), true
	}
	d.unquoted, _ = jsontext.AppendUnquote(d.unquoted[:0], raw)
	return string(d.unquoted), true
}

// stringField is a string; null leaves it as it is.
func stringField[T any](name string, at func(*T) *string) jsonField[T] {
	return jsonField[T]{name, func(d *pageDecoder, v *T) bool {
		if isNull, ok := d.null(); isNull || !ok {
			return ok
		}
		s, ok := d.string()
		*at(v) = s
		return ok
	}}
}

// nullable is a pointer field: null sets it to nil, any other value is
// read by read, which reports whether it could.
func nullable[T, U any](name string, at func(*T) **U, read func(*pageDecoder) (*U, bool)) jsonField[T] {
	return jsonField[T]{name, func(d *pageDecoder, v *T) bool {
		if isNull, ok := d.null(); isNull || !ok {
			*at(v) = nil
			return ok
		}
		u, ok := read(d)
		if ok {
			*at(v) = u
		}
		return ok
	}}
}

// stringPtrField is a *string: null or a string.
func stringPtrField[T any](name string, at func(*T) **string) jsonField[T] {
	return nullable(name, at, func(d *pageDecoder) (*string, bool) {
		s, ok := d.string()
		if !ok {
			return nil, false
		}
		return d.newStr(s), true
	})
}

// boolPtrField is a *bool: null, true or false.
func boolPtrField[T any](name string, at func(*T) **bool) jsonField[T] {
	return nullable(name, at, func(d *pageDecoder) (*bool, bool) {
		if k := d.dec.PeekKind(); k != 't' && k != 'f' {
			return nil, false
		}
		tok, err := d.dec.ReadToken()
		if err != nil {
			return nil, false
		}
		b := tok.Bool()
		return &b, true
	})
}

// intField is a *int: null or a JSON integer that fits.
func intField[T any](name string, at func(*T) **int) jsonField[T] {
	return nullable(name, at, func(d *pageDecoder) (*int, bool) {
		if d.dec.PeekKind() != '0' {
			return nil, false
		}
		num, err := d.dec.ReadValue()
		if err != nil {
			return nil, false
		}
		n, err := strconv.Atoi(string(num)) // refuses what does not fit an int, as encoding/json does
		if err != nil {
			return nil, false
		}
		return &n, true
	})
}

// unmarshalerField is a nullable field decoded by its type's UnmarshalJSON,
// as encoding/json does for a pointer: null sets it to nil, any other value
// is handed over as its JSON text.
func unmarshalerField[T, U any, P interface {
	*U
	UnmarshalJSON([]byte) error
}](name string, at func(*T) **U) jsonField[T] {
	return nullable(name, at, func(d *pageDecoder) (*U, bool) {
		raw, err := d.dec.ReadValue()
		if err != nil {
			return nil, false
		}
		u := P(new(U))
		if u.UnmarshalJSON(raw) != nil {
			return nil, false
		}
		return u, true
	})
}

// flexStringField is a *FlexString read from the tokens, as
// FlexString.UnmarshalJSON decodes it: null, a string, or a number's text.
func flexStringField[T any](name string, at func(*T) **FlexString) jsonField[T] {
	return nullable(name, at, func(d *pageDecoder) (*FlexString, bool) {
		var s string
		switch d.dec.PeekKind() {
		case '"':
			str, ok := d.string()
			if !ok {
				return nil, false
			}
			s = str
		case '0':
			num, err := d.dec.ReadValue()
			if err != nil {
				return nil, false
			}
			s = string(num)
		default:
			return nil, false
		}
		return (*FlexString)(d.newStr(s)), true
	})
}

// referencesField is References read from the tokens, as
// References.UnmarshalJSON decodes it: null, or an array whose strings are
// kept, whose nulls are "" and whose other entries are their JSON text.
func referencesField[T any](name string, at func(*T) *References) jsonField[T] {
	return jsonField[T]{name, func(d *pageDecoder, v *T) bool {
		dst := at(v)
		if isNull, ok := d.null(); isNull || !ok {
			*dst = nil
			return ok
		}
		refs := make(References, 0, 4)
		ok := d.array(func() bool {
			switch d.dec.PeekKind() {
			case '"':
				s, ok := d.string()
				refs = append(refs, s)
				return ok
			case 'n':
				_, ok := d.null()
				refs = append(refs, "")
				return ok
			default:
				raw, err := d.dec.ReadValue()
				refs = append(refs, string(raw))
				return err == nil
			}
		})
		if ok {
			*dst = refs
		}
		return ok
	}}
}

// objectField is a pointer to a struct decoded through its table; null
// sets it to nil.
func objectField[T, U any](name string, t *fieldTable[U], at func(*T) **U) jsonField[T] {
	return nullable(name, at, func(d *pageDecoder) (*U, bool) {
		u := new(U)
		return u, decodeObject(d, t, u)
	})
}

// objectListField is a slice of structs decoded through their table: null
// sets it to nil, [] to an empty slice, a null element is a zero struct.
// capacity is the room made before the first element.
func objectListField[T, U any](name string, capacity int, t *fieldTable[U], at func(*T) *[]U) jsonField[T] {
	return jsonField[T]{name, func(d *pageDecoder, v *T) bool {
		dst := at(v)
		if isNull, ok := d.null(); isNull || !ok {
			*dst = nil
			return ok
		}
		list := make([]U, 0, capacity)
		ok := d.array(func() bool {
			switch d.dec.PeekKind() {
			case 'n':
				_, ok := d.null()
				list = append(list, *new(U))
				return ok
			case '{':
				list = append(list, *new(U))
				return decodeObject(d, t, &list[len(list)-1])
			default:
				return false
			}
		})
		if ok {
			*dst = list
		}
		return ok
	}}
}

// array reads a JSON array, each element by elem, which reports whether it
// could. An error of the decoder ends the array: PeekKind then reports no
// kind, which every elem refuses.
func (d *pageDecoder) array(elem func() bool) bool {
	if tok, err := d.dec.ReadToken(); err != nil || tok.Kind() != '[' {
		return false
	}
	for d.dec.PeekKind() != ']' {
		if !elem() {
			return false
		}
	}
	_, err := d.dec.ReadToken()
	return err == nil
}
