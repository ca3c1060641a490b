package mockportal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
)

// TimeLayout is the portal's timestamp format (UTC).
const TimeLayout = "2006-01-02 15:04:05"

// Provider is an MSSP provider as served by GET my_providers and GET providers.
type Provider struct {
	ID   string `json:"ID"`
	Name string `json:"name"`
}

// Organization is one customer organization.
type Organization struct {
	ID              string
	Name            string
	Email           *string // JSON null when nil
	EmailARODetails bool    // "email_aro_details"
	// ProviderID is the provider that owns the organization (not serialized).
	// Empty means the first of Data.MyProviders.
	ProviderID string
	// Detail holds the extra fields served only by GET organizations/{id}.
	// ID, id, name, email and email_aro_details always come from the fields above.
	Detail map[string]any
	// Extra holds unknown fields added to the list answer too (e.g. "client_id").
	// A key that collides with a known field is ignored.
	Extra map[string]any
}

// OrgRef is the organization summary embedded in an ARO.
type OrgRef struct {
	ID    string  `json:"ID"`
	Name  string  `json:"name"`
	Email *string `json:"email"`
}

// Step is one mitigation step of an ARO.
type Step struct {
	ID              string `json:"ID"`
	Completed       bool   `json:"completed"`
	Label           string `json:"label"`
	LastUpdatedTime string `json:"last_updated_time"`
}

// ARO is an Action, Recommendation or Observation. Its tagged fields are
// its JSON fields (aroWire is derived from the tags); a field added here is
// served, decoded and filtered by name with no other change, and
// covalence's TestAROFieldsAreTheContract says if the client lacks it.
type ARO struct {
	ID              string   `json:"ID"`
	AlertKey        *string  `json:"alert_key"`
	AnalystNotes    *string  `json:"analyst_notes"`
	Details         *string  `json:"details"`
	DetailsMarkdown *string  `json:"details_markdown"`
	DisplayURL      *string  `json:"display_url"`
	ExternalBugID   *string  `json:"external_bug_id"`
	Notes           *string  `json:"notes"`
	TemplateID      *string  `json:"template_id"`
	TriageID        *string  `json:"triage_id"`
	Count           *int64   `json:"count"`
	CreationTime    string   `json:"creation_time"`     // TimeLayout, UTC
	LastUpdatedTime string   `json:"last_updated_time"` // TimeLayout, UTC
	Organization    *OrgRef  `json:"organization"`      // nil -> null
	References      []string `json:"references"`        // nil -> null, empty -> []
	Resolution      string   `json:"resolution"`
	SerialID        string   `json:"serial_id"`
	Severity        string   `json:"severity"`
	Status          string   `json:"status"`
	Title           string   `json:"title"`
	Type            string   `json:"type"`
	Steps           []Step   `json:"steps"` // nil -> null
	// Extra holds unknown fields merged into the JSON object (e.g.
	// "attachments", "insights"). A key that collides with a known field is
	// ignored.
	Extra map[string]any `json:"-"`
	// Null names known fields, by their JSON name (e.g. "severity",
	// "creation_time"), that are sent as null: the portal may send null for
	// any field. The server treats a null string field as "" (filters) and a
	// null creation_time as unparsable (last in the order). Decoding records
	// here the string fields that were null. Unknown names are ignored.
	Null []string `json:"-"`
}

// aroWire is the wire form of ARO, derived once from its tags: a struct
// type with a pointer field for each JSON field of ARO, in the order of
// their names (the portal's). A value of it points into an ARO: encoding it
// writes the ARO's fields, a field named in Null being sent as null (its
// pointer nil) whatever its Go type, and decoding into it fills the ARO,
// the pointers a JSON null left nil telling which fields were null.
var aroWire = newWireType(reflect.TypeFor[ARO]())

// aroKnownKeys are the JSON names of ARO's fields.
var aroKnownKeys = func() map[string]bool {
	m := make(map[string]bool, len(aroWire.names))
	for _, n := range aroWire.names {
		m[n] = true
	}
	return m
}()

type wireType struct {
	typ   reflect.Type // the struct of pointers
	names []string     // the JSON name of each of its fields
	index []int        // the field of the ARO each of its fields points at
}

func newWireType(t reflect.Type) wireType {
	var tagged []reflect.StructField
	for f := range t.Fields() {
		if jsonName(f) != "" {
			tagged = append(tagged, f)
		}
	}
	slices.SortFunc(tagged, func(a, b reflect.StructField) int { return strings.Compare(jsonName(a), jsonName(b)) })
	var w wireType
	fields := make([]reflect.StructField, len(tagged))
	for i, f := range tagged {
		fields[i] = reflect.StructField{Name: f.Name, Type: reflect.PointerTo(f.Type), Tag: f.Tag}
		w.names = append(w.names, jsonName(f))
		w.index = append(w.index, f.Index[0])
	}
	w.typ = reflect.StructOf(fields)
	return w
}

// jsonName is the name a field's json tag gives it; "" for none or "-".
func jsonName(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "-" {
		return name
	}
	return ""
}

// wire returns a pointer to a wire value whose fields point into a.
func (a *ARO) wire() reflect.Value {
	w := reflect.New(aroWire.typ)
	av := reflect.ValueOf(a).Elem()
	for i, j := range aroWire.index {
		w.Elem().Field(i).Set(av.Field(j).Addr())
	}
	return w
}

// withNulls is a with its Null string fields set to "".
func (a ARO) withNulls() ARO {
	if len(a.Null) == 0 {
		return a
	}
	w := a.wire().Elem()
	for _, name := range a.Null {
		if i := slices.Index(aroWire.names, name); i >= 0 {
			if f := w.Field(i).Elem(); f.Kind() == reflect.String {
				f.SetString("")
			}
		}
	}
	return a
}

var orgKnownKeys = map[string]bool{"ID": true, "id": true, "name": true, "email": true, "email_aro_details": true}

// MarshalJSON encodes the ARO as the portal does: every known field (nil ->
// null) plus the Extra fields.
func (a ARO) MarshalJSON() ([]byte, error) {
	w := a.wire()
	for _, name := range a.Null {
		if i := slices.Index(aroWire.names, name); i >= 0 {
			w.Elem().Field(i).SetZero() // a nil pointer: null
		}
	}
	base, err := marshalNoEscape(w.Interface())
	if err != nil {
		return nil, err
	}
	return mergeExtra(base, a.Extra, aroKnownKeys)
}

// UnmarshalJSON decodes a portal ARO object; unknown fields go to Extra
// (numbers kept as json.Number).
func (a *ARO) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	// Decoding through the pointers leaves a JSON null as the zero value and
	// the pointer nil.
	var out ARO
	w := out.wire()
	if err := json.Unmarshal(b, w.Interface()); err != nil {
		return err
	}
	for i := range aroWire.names {
		if f := w.Elem().Field(i); f.IsNil() && f.Type().Elem().Kind() == reflect.String {
			out.Null = append(out.Null, aroWire.names[i])
		}
	}
	for k, v := range raw {
		if aroKnownKeys[k] {
			continue
		}
		val, err := decodeAny(v)
		if err != nil {
			return fmt.Errorf("field %q: %w", k, err)
		}
		if out.Extra == nil {
			out.Extra = map[string]any{}
		}
		out.Extra[k] = val
	}
	*a = out
	return nil
}

// orgListJSON is the wire form of an organization in the list answer.
type orgListJSON struct {
	ID              string  `json:"ID"`
	Email           *string `json:"email"`
	EmailARODetails bool    `json:"email_aro_details"`
	Name            string  `json:"name"`
}

func (o *Organization) listJSON() ([]byte, error) {
	base, err := marshalNoEscape(orgListJSON{ID: o.ID, Email: o.Email, EmailARODetails: o.EmailARODetails, Name: o.Name})
	if err != nil {
		return nil, err
	}
	return mergeExtra(base, o.Extra, orgKnownKeys)
}

func (o *Organization) detailJSON() ([]byte, error) {
	m := make(map[string]any, len(o.Detail)+5)
	for k, v := range o.Detail {
		m[k] = v
	}
	m["ID"] = o.ID
	m["id"] = o.ID
	m["name"] = o.Name
	if o.Email == nil {
		m["email"] = nil
	} else {
		m["email"] = *o.Email
	}
	m["email_aro_details"] = o.EmailARODetails
	return marshalNoEscape(m)
}

// Data is the estate a Server serves.
type Data struct {
	MyProviders []Provider // answer of GET my_providers
	Providers   []Provider // answer of GET providers (should include MyProviders)
	Orgs        []Organization
	// AROs belong to a provider through Organization.ID -> Organization.ProviderID.
	// An ARO whose Organization is nil, or names no known organization,
	// belongs to the first of MyProviders.
	AROs []ARO
}

// Options tune a Server.
type Options struct {
	APIKey       string // Bearer token accepted; "" means "test-api-key"
	ForbiddenKey string // optional: a key that gets 403
	PageCap      int    // server-side cap on items per page (default 100)
	// PageBase is the number of the first page, taken literally: the zero
	// value numbers pages from 0, so pass PageBase: 1 for 1-based pages.
	PageBase int
	Latency  time.Duration // added to every request
	Limits   Limits        // rate limits (SetLimits changes them at run time)
}

// Endpoint names a group of routes, for faults and request counting.
type Endpoint string

// Endpoints.
const (
	EndpointMyProviders   Endpoint = "my_providers"  // GET my_providers
	EndpointProviders     Endpoint = "providers"     // GET providers
	EndpointOrganizations Endpoint = "organizations" // GET my_providers/{id}/organizations
	EndpointOrganization  Endpoint = "organization"  // GET organizations/{id}, my_organizations/{id}
	EndpointAROs          Endpoint = "aros"          // GET providers/{id}/aros
	EndpointUnknown       Endpoint = ""              // any other path
)

// Request records one request the server received.
type Request struct {
	Endpoint      Endpoint
	Method        string
	Path          string
	Query         url.Values
	Authorization string
	Page          string // raw page parameter, "" if absent
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// mergeExtra splices the extra fields (minus known keys) into the JSON
// object base.
func mergeExtra(base []byte, extra map[string]any, known map[string]bool) ([]byte, error) {
	if len(extra) == 0 {
		return base, nil
	}
	m := make(map[string]any, len(extra))
	for k, v := range extra {
		if !known[k] {
			m[k] = v
		}
	}
	if len(m) == 0 {
		return base, nil
	}
	eb, err := marshalNoEscape(m)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(base)+len(eb))
	out = append(out, base[:len(base)-1]...)
	out = append(out, ',')
	out = append(out, eb[1:]...)
	return out, nil
}

func decodeAny(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
