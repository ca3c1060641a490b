package mockportal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
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

// ARO is an Action, Recommendation or Observation.
type ARO struct {
	ID              string
	AlertKey        *string
	AnalystNotes    *string
	Details         *string
	DetailsMarkdown *string
	DisplayURL      *string
	ExternalBugID   *string
	Notes           *string
	TemplateID      *string
	TriageID        *string
	Count           *int64
	CreationTime    string   // TimeLayout, UTC
	LastUpdatedTime string   // TimeLayout, UTC
	Organization    *OrgRef  // nil -> null
	References      []string // nil -> null, empty -> []
	Resolution      string
	SerialID        string
	Severity        string
	Status          string
	Title           string
	Type            string
	Steps           []Step // nil -> null
	// Extra holds unknown fields merged into the JSON object (e.g.
	// "attachments", "insights"). A key that collides with a known field is
	// ignored.
	Extra map[string]any
	// Null names known fields, by their JSON name (e.g. "severity",
	// "creation_time"), that are sent as null: the portal may send null for
	// any field. The server treats a null string field as "" (filters) and a
	// null creation_time as unparsable (last in the order). Decoding records
	// here the string fields that were null. Unknown names are ignored.
	Null []string
}

// aroWire is the wire form of the known ARO fields, pointing into an ARO. It
// and ARO.wire are the one place that lists the fields: MarshalJSON encodes
// through it, UnmarshalJSON decodes through it and aroKnownKeys comes from its
// tags. A new field goes in ARO, here and in wire.
type aroWire struct {
	ID              *string   `json:"ID"`
	AlertKey        **string  `json:"alert_key"`
	AnalystNotes    **string  `json:"analyst_notes"`
	Count           **int64   `json:"count"`
	CreationTime    *string   `json:"creation_time"`
	Details         **string  `json:"details"`
	DetailsMarkdown **string  `json:"details_markdown"`
	DisplayURL      **string  `json:"display_url"`
	ExternalBugID   **string  `json:"external_bug_id"`
	LastUpdatedTime *string   `json:"last_updated_time"`
	Notes           **string  `json:"notes"`
	Organization    **OrgRef  `json:"organization"`
	References      *[]string `json:"references"`
	Resolution      *string   `json:"resolution"`
	SerialID        *string   `json:"serial_id"`
	Severity        *string   `json:"severity"`
	Status          *string   `json:"status"`
	Steps           *[]Step   `json:"steps"`
	TemplateID      **string  `json:"template_id"`
	Title           *string   `json:"title"`
	TriageID        **string  `json:"triage_id"`
	Type            *string   `json:"type"`
}

func (a *ARO) wire() aroWire {
	return aroWire{
		ID: &a.ID, AlertKey: &a.AlertKey, AnalystNotes: &a.AnalystNotes, Count: &a.Count,
		CreationTime: &a.CreationTime, Details: &a.Details, DetailsMarkdown: &a.DetailsMarkdown,
		DisplayURL: &a.DisplayURL, ExternalBugID: &a.ExternalBugID, LastUpdatedTime: &a.LastUpdatedTime,
		Notes: &a.Notes, Organization: &a.Organization, References: &a.References, Resolution: &a.Resolution,
		SerialID: &a.SerialID, Severity: &a.Severity, Status: &a.Status, Steps: &a.Steps,
		TemplateID: &a.TemplateID, Title: &a.Title, TriageID: &a.TriageID, Type: &a.Type,
	}
}

// aroWireNames are the JSON names of aroWire's fields, in order;
// aroKnownKeys the same as a set.
var aroWireNames, aroKnownKeys = func() ([]string, map[string]bool) {
	t := reflect.TypeFor[aroWire]()
	names := make([]string, t.NumField())
	m := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		names[i] = t.Field(i).Tag.Get("json")
		m[names[i]] = true
	}
	return names, m
}()

// field is the field of w with JSON name name (an invalid Value, whose
// SetZero panics, is never returned: unknown names get a throwaway).
func (w *aroWire) field(name string) reflect.Value {
	if i := slices.Index(aroWireNames, name); i >= 0 {
		return reflect.ValueOf(w).Elem().Field(i)
	}
	return reflect.New(reflect.TypeFor[*string]()).Elem()
}

// withNulls is a with its Null string fields set to "".
func (a ARO) withNulls() ARO {
	if len(a.Null) == 0 {
		return a
	}
	w := a.wire()
	for _, name := range a.Null {
		if f := w.field(name); !f.IsNil() && f.Elem().Kind() == reflect.String {
			f.Elem().SetString("")
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
		w.field(name).SetZero() // a nil pointer: null
	}
	base, err := marshalNoEscape(w)
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
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	wv := reflect.ValueOf(w)
	for i := range wv.NumField() {
		if f := wv.Field(i); f.IsNil() && f.Type().Elem().Kind() == reflect.String {
			out.Null = append(out.Null, aroWireNames[i])
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
