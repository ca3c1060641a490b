package covalence

import (
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeAROPage decodes an ARO page the way json.Unmarshal into a zero
// itemPage[ARO] does, without reflection, for the pages the portal sends
// (issue 13: encoding/json was over half of the plugin's CPU). It is
// deliberately partial: it reports false, leaving p untouched, on anything
// outside the shapes it knows — invalid JSON, a type encoding/json would
// refuse, a duplicated field, a key that differs from a field name only by
// case (encoding/json matches those), a key with an escape or a non-ASCII
// byte, deep nesting — and the caller then decodes with json.Unmarshal,
// which gives the answer or the error. FuzzAROPageDecodeEquivalence
// compares the two on arbitrary bytes.
func decodeAROPage(b []byte, p *itemPage[ARO]) bool {
	d := pageDecoder{b: b}
	var out itemPage[ARO]
	d.ws()
	if !d.page(&out) {
		return false
	}
	d.ws()
	if d.i != len(d.b) {
		return false
	}
	*p = out
	return true
}

// pageDecoder reads one page. *string fields point into slab, one
// allocation for hundreds of fields. Each string is its own copy, not a
// slice of the page: something kept (the pager's IDs, say) would keep
// whole pages alive (measured: peak RSS 171 MB against 125 MB).
type pageDecoder struct {
	b    []byte
	i    int
	slab []string
}

func (d *pageDecoder) newStr(v string) *string {
	if len(d.slab) == cap(d.slab) {
		d.slab = make([]string, 0, 512)
	}
	d.slab = append(d.slab, v)
	return &d.slab[len(d.slab)-1]
}

// maxSkipDepth bounds the nesting of skipped values; deeper ones go to
// encoding/json (which has its own limit and error).
const maxSkipDepth = 256

func (d *pageDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *pageDecoder) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// lit consumes the literal s (null, true, false).
func (d *pageDecoder) lit(s string) bool {
	if len(d.b)-d.i >= len(s) && string(d.b[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

// fields walks the object at d.i (after whitespace), calling field for
// each key with d.i at its value (after whitespace); field must consume
// the value. names are the struct's JSON field names: a key that matches
// one only case-insensitively, or repeats one, is refused.
func (d *pageDecoder) fields(names []string, field func(k int) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.i++
	d.ws()
	if d.peek() == '}' {
		d.i++
		return true
	}
	var seen uint64
	for {
		key, ok := d.key()
		if !ok {
			return false
		}
		d.ws()
		if d.peek() != ':' {
			return false
		}
		d.i++
		d.ws()
		k := -1
		for j, n := range names {
			if string(key) == n {
				k = j
				break
			}
			if asciiEqualFold(key, n) {
				return false // encoding/json would match it: its rules decide
			}
		}
		if k < 0 {
			if !d.skip(0) {
				return false
			}
		} else {
			if seen&(1<<k) != 0 {
				return false // duplicated: encoding/json merges or replaces
			}
			seen |= 1 << k
			if !field(k) {
				return false
			}
		}
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
			d.ws()
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// key reads an object key at d.i: printable ASCII with no escapes only.
func (d *pageDecoder) key() ([]byte, bool) {
	if d.peek() != '"' {
		return nil, false
	}
	start := d.i + 1
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		if c == '"' {
			d.i = j + 1
			return d.b[start:j], true
		}
		if c < 0x20 || c >= 0x80 || c == '\\' {
			return nil, false
		}
	}
	return nil, false
}

func asciiEqualFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// str reads a JSON string at d.i and returns its value as encoding/json
// gives it (escapes decoded, invalid UTF-8 and lone surrogates replaced).
func (d *pageDecoder) str() (string, bool) {
	start := d.i
	end, plain, ok := d.strEnd()
	if !ok {
		return "", false
	}
	d.i = end
	if plain {
		return string(d.b[start+1 : end-1]), true
	}
	s, ok := unquoteJSON(d.b[start:end])
	return string(s), ok
}

// strEnd validates the JSON string at d.i as encoding/json's scanner does
// and returns the offset past its closing quote; plain means its bytes
// are its value (ASCII or valid UTF-8, no escapes).
func (d *pageDecoder) strEnd() (end int, plain, ok bool) {
	if d.peek() != '"' {
		return 0, false, false
	}
	ascii, esc := true, false
	for j := d.i + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			plain = !esc && (ascii || utf8.Valid(d.b[d.i+1:j]))
			return j + 1, plain, true
		case c < 0x20:
			return 0, false, false
		case c == '\\':
			esc = true
			j++
			if j >= len(d.b) {
				return 0, false, false
			}
			switch d.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(d.b) {
					return 0, false, false
				}
				for _, h := range d.b[j+1 : j+5] {
					if !isHex(h) {
						return 0, false, false
					}
				}
				j += 4
			default:
				return 0, false, false
			}
		case c >= 0x80:
			ascii = false
		}
	}
	return 0, false, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// num reads a JSON number at d.i (the grammar of encoding/json's scanner)
// and returns its text.
func (d *pageDecoder) num() ([]byte, bool) {
	b, i := d.b, d.i
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return nil, false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return nil, false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	d.i = i
	return b[start:i], true
}

// skip consumes any valid JSON value at d.i.
func (d *pageDecoder) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch c := d.peek(); {
	case c == '"':
		end, _, ok := d.strEnd()
		d.i = end
		return ok
	case c == 'n':
		return d.lit("null")
	case c == 't':
		return d.lit("true")
	case c == 'f':
		return d.lit("false")
	case c == '-' || '0' <= c && c <= '9':
		_, ok := d.num()
		return ok
	case c == '[':
		d.i++
		d.ws()
		if d.peek() == ']' {
			d.i++
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			d.ws()
			switch d.peek() {
			case ',':
				d.i++
				d.ws()
			case ']':
				d.i++
				return true
			default:
				return false
			}
		}
	case c == '{':
		d.i++
		d.ws()
		if d.peek() == '}' {
			d.i++
			return true
		}
		for {
			end, _, ok := d.strEnd()
			if !ok {
				return false
			}
			d.i = end
			d.ws()
			if d.peek() != ':' {
				return false
			}
			d.i++
			d.ws()
			if !d.skip(depth + 1) {
				return false
			}
			d.ws()
			switch d.peek() {
			case ',':
				d.i++
				d.ws()
			case '}':
				d.i++
				return true
			default:
				return false
			}
		}
	}
	return false
}

// raw consumes any value and returns its bytes, as encoding/json hands
// them to an UnmarshalJSON method.
func (d *pageDecoder) raw() ([]byte, bool) {
	start := d.i
	if !d.skip(0) {
		return nil, false
	}
	return d.b[start:d.i], true
}

// strPtr decodes a *string field: null or a string.
func (d *pageDecoder) strPtr(dst **string) bool {
	if d.peek() == 'n' {
		*dst = nil
		return d.lit("null")
	}
	s, ok := d.str()
	if !ok {
		return false
	}
	*dst = d.newStr(s)
	return true
}

var pageNames = []string{"items", "total", "page"}

func (d *pageDecoder) page(p *itemPage[ARO]) bool {
	return d.fields(pageNames, func(k int) bool {
		switch k {
		case 0:
			if d.peek() == 'n' {
				p.Items = nil
				return d.lit("null")
			}
			if d.peek() != '[' {
				return false
			}
			d.i++
			d.ws()
			items := make([]ARO, 0, 100)
			if d.peek() == ']' {
				d.i++
				p.Items = items
				return true
			}
			for {
				items = append(items, ARO{})
				switch d.peek() {
				case 'n':
					if !d.lit("null") {
						return false
					}
				case '{':
					if !d.aro(&items[len(items)-1]) {
						return false
					}
				default:
					return false
				}
				d.ws()
				switch d.peek() {
				case ',':
					d.i++
					d.ws()
				case ']':
					d.i++
					p.Items = items
					return true
				default:
					return false
				}
			}
		default:
			dst := &p.Total
			if k == 2 {
				dst = &p.Page
			}
			if d.peek() == 'n' {
				*dst = nil
				return d.lit("null")
			}
			t, ok := d.num()
			if !ok {
				return false
			}
			n, err := strconv.ParseInt(string(t), 10, 64)
			if err != nil {
				return false
			}
			v := int(n)
			*dst = &v
			return true
		}
	})
}

var aroNames = []string{
	"ID", "alert_key", "analyst_notes", "count", "creation_time", "details", "details_markdown",
	"display_url", "external_bug_id", "last_updated_time", "notes", "organization", "references",
	"resolution", "serial_id", "severity", "status", "steps", "template_id", "title", "triage_id", "type",
}

func (d *pageDecoder) aro(a *ARO) bool {
	return d.fields(aroNames, func(k int) bool {
		switch k {
		case 0:
			if d.peek() == 'n' {
				return d.lit("null") // null leaves a string as it is
			}
			s, ok := d.str()
			a.ID = s
			return ok
		case 1:
			return d.strPtr(&a.AlertKey)
		case 2:
			return d.strPtr(&a.AnalystNotes)
		case 3:
			return unmarshalPtr(d, &a.Count)
		case 4:
			return d.strPtr(&a.CreationTime)
		case 5:
			return d.strPtr(&a.Details)
		case 6:
			return d.strPtr(&a.DetailsMarkdown)
		case 7:
			return d.strPtr(&a.DisplayURL)
		case 8:
			return d.strPtr(&a.ExternalBugID)
		case 9:
			return d.strPtr(&a.LastUpdatedTime)
		case 10:
			return d.strPtr(&a.Notes)
		case 11:
			if d.peek() == 'n' {
				a.Organization = nil
				return d.lit("null")
			}
			o := new(AROOrganization)
			if !d.org(o) {
				return false
			}
			a.Organization = o
			return true
		case 12:
			r, ok := d.raw()
			if !ok {
				return false
			}
			return a.References.UnmarshalJSON(r) == nil
		case 13:
			return d.strPtr(&a.Resolution)
		case 14:
			return unmarshalPtr(d, &a.SerialID)
		case 15:
			return d.strPtr(&a.Severity)
		case 16:
			return d.strPtr(&a.Status)
		case 17:
			return d.steps(&a.Steps)
		case 18:
			return d.strPtr(&a.TemplateID)
		case 19:
			return d.strPtr(&a.Title)
		case 20:
			return d.strPtr(&a.TriageID)
		default:
			return d.strPtr(&a.Type)
		}
	})
}

// unmarshalPtr decodes a nullable field through its type's UnmarshalJSON,
// as encoding/json does for a pointer: null sets it to nil.
func unmarshalPtr[T any, P interface {
	*T
	UnmarshalJSON([]byte) error
}](d *pageDecoder, dst **T) bool {
	if d.peek() == 'n' {
		*dst = nil
		return d.lit("null")
	}
	r, ok := d.raw()
	if !ok {
		return false
	}
	v := P(new(T))
	if v.UnmarshalJSON(r) != nil {
		return false
	}
	*dst = v
	return true
}

var orgNames = []string{"ID", "email", "name"}

func (d *pageDecoder) org(o *AROOrganization) bool {
	return d.fields(orgNames, func(k int) bool {
		switch k {
		case 0:
			return d.strPtr(&o.ID)
		case 1:
			return d.strPtr(&o.Email)
		default:
			return d.strPtr(&o.Name)
		}
	})
}

var stepNames = []string{"ID", "completed", "label", "last_updated_time"}

func (d *pageDecoder) steps(dst *[]Step) bool {
	if d.peek() == 'n' {
		*dst = nil
		return d.lit("null")
	}
	if d.peek() != '[' {
		return false
	}
	d.i++
	d.ws()
	steps := []Step{}
	if d.peek() == ']' {
		d.i++
		*dst = steps
		return true
	}
	for {
		steps = append(steps, Step{})
		s := &steps[len(steps)-1]
		switch d.peek() {
		case 'n':
			if !d.lit("null") {
				return false
			}
		case '{':
			ok := d.fields(stepNames, func(k int) bool {
				switch k {
				case 0:
					return d.strPtr(&s.ID)
				case 1:
					var v bool
					switch d.peek() {
					case 'n':
						s.Completed = nil
						return d.lit("null")
					case 't':
						v = true
						if !d.lit("true") {
							return false
						}
					default:
						if !d.lit("false") {
							return false
						}
					}
					s.Completed = &v
					return true
				case 2:
					return d.strPtr(&s.Label)
				default:
					return d.strPtr(&s.LastUpdatedTime)
				}
			})
			if !ok {
				return false
			}
		default:
			return false
		}
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
			d.ws()
		case ']':
			d.i++
			*dst = steps
			return true
		default:
			return false
		}
	}
}

// unquoteJSON is encoding/json's unquoteBytes (Go 1.26, decode.go) for a
// string literal strEnd has validated: escapes decoded, invalid UTF-8 and
// lone or unpaired surrogates replaced with U+FFFD.
func unquoteJSON(s []byte) (t []byte, ok bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return
	}
	s = s[1 : len(s)-1]
	r := 0
	for r < len(s) {
		c := s[r]
		if c == '\\' || c == '"' || c < ' ' {
			break
		}
		rr, size := utf8.DecodeRune(s[r:])
		if rr == utf8.RuneError && size == 1 {
			break
		}
		r += size
	}
	if r == len(s) {
		return s, true
	}
	b := make([]byte, len(s)+2*utf8.UTFMax)
	w := copy(b, s[0:r])
	for r < len(s) {
		if w >= len(b)-2*utf8.UTFMax {
			nb := make([]byte, (len(b)+utf8.UTFMax)*2)
			copy(nb, b[0:w])
			b = nb
		}
		switch c := s[r]; {
		case c == '\\':
			r++
			if r >= len(s) {
				return
			}
			switch s[r] {
			default:
				return
			case '"', '\\', '/', '\'':
				b[w] = s[r]
				r++
				w++
			case 'b':
				b[w] = '\b'
				r++
				w++
			case 'f':
				b[w] = '\f'
				r++
				w++
			case 'n':
				b[w] = '\n'
				r++
				w++
			case 'r':
				b[w] = '\r'
				r++
				w++
			case 't':
				b[w] = '\t'
				r++
				w++
			case 'u':
				r--
				rr := getu4(s[r:])
				if rr < 0 {
					return
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					rr1 := getu4(s[r:])
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						r += 6
						w += utf8.EncodeRune(b[w:], dec)
						break
					}
					rr = unicode.ReplacementChar
				}
				w += utf8.EncodeRune(b[w:], rr)
			}
		case c == '"', c < ' ':
			return
		case c < utf8.RuneSelf:
			b[w] = c
			r++
			w++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			w += utf8.EncodeRune(b[w:], rr)
		}
	}
	return b[0:w], true
}

// getu4 decodes \uXXXX from the beginning of s, returning the hex value,
// or it returns -1 (encoding/json's getu4).
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
