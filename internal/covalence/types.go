// Package covalence is a read-only client for Field Effect's FES Portal API
// (Covalence Managed Security). It knows HTTP and JSON and nothing of Terraform.
package covalence

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// PortalTimeLayout is the portal's timestamp format: UTC, no zone designator.
const PortalTimeLayout = "2006-01-02 15:04:05"

// Provider is an MSSP "provider" the API key belongs to or can see.
type Provider struct {
	ID   string `json:"ID"`
	Name string `json:"name"`
}

// Organization is one entry of GET my_providers/{id}/organizations.
type Organization struct {
	ID              string  `json:"ID"`
	Name            string  `json:"name"`
	Email           *string `json:"email"`
	EmailARODetails *bool   `json:"email_aro_details"`
}

// OrganizationDetail is the answer of GET organizations/{id}. Every field but
// the identity may be absent or null.
type OrganizationDetail struct {
	ID                    string                 `json:"ID"`
	LowerID               string                 `json:"id"`
	Name                  *string                `json:"name"`
	Email                 *string                `json:"email"`
	EmailARODetails       *bool                  `json:"email_aro_details"`
	ClientID              *string                `json:"client_id"`
	Status                *string                `json:"status"`
	LicenseType           *string                `json:"license_type"`
	ServiceTier           *string                `json:"service_tier"`
	IsTrial               *bool                  `json:"is_trial"`
	CreatedTime           *string                `json:"created_time"`
	LastUpdatedTime       *string                `json:"last_updated_time"`
	Profile               *OrganizationProfile   `json:"profile"`
	ActiveResponseProfile *ActiveResponseProfile `json:"active_response_profile"`
	Contacts              []Contact              `json:"contacts"`
}

// OrganizationProfile is the "profile" object of an organization's detail.
type OrganizationProfile struct {
	DefaultLocale *string `json:"default_locale"`
	Industry      *string `json:"industry"`
}

// ActiveResponseProfile is the "active_response_profile" object of an organization's detail.
type ActiveResponseProfile struct {
	ResponsePolicy *string `json:"response_policy"`
}

// Contact is one key contact of an organization. A contact is either a portal
// user ("user") or free contact information ("contact_info").
type Contact struct {
	ID          *string        `json:"id"`
	Type        *string        `json:"type"`
	User        *ContactPerson `json:"user"`
	ContactInfo *ContactPerson `json:"contact_info"`
}

// ContactPerson holds the personal fields shared by a contact's user and contact_info.
type ContactPerson struct {
	Email       *string `json:"email"`
	FirstName   *string `json:"first_name"`
	LastName    *string `json:"last_name"`
	PhoneNumber *string `json:"phone_number"`
}

// Person returns the contact's user when set, else its contact_info (may be nil).
func (c Contact) Person() *ContactPerson {
	if c.User != nil {
		return c.User
	}
	return c.ContactInfo
}

// ARO is an Action, Recommendation or Observation. Every field but ID may be
// null; unknown fields are ignored.
type ARO struct {
	ID              string           `json:"ID"`
	AlertKey        *string          `json:"alert_key"`
	AnalystNotes    *string          `json:"analyst_notes"`
	Count           *Count           `json:"count"`
	CreationTime    *string          `json:"creation_time"`
	Details         *string          `json:"details"`
	DetailsMarkdown *string          `json:"details_markdown"`
	DisplayURL      *string          `json:"display_url"`
	ExternalBugID   *string          `json:"external_bug_id"`
	LastUpdatedTime *string          `json:"last_updated_time"`
	Notes           *string          `json:"notes"`
	Organization    *AROOrganization `json:"organization"`
	References      References       `json:"references"`
	Resolution      *string          `json:"resolution"`
	SerialID        *FlexString      `json:"serial_id"`
	Severity        *string          `json:"severity"`
	Status          *string          `json:"status"`
	Steps           []Step           `json:"steps"`
	TemplateID      *string          `json:"template_id"`
	Title           *string          `json:"title"`
	TriageID        *string          `json:"triage_id"`
	Type            *string          `json:"type"`
}

// AROSummaryItem is the part of an ARO a summary counts (see
// StreamAROSummaries); the other fields of the JSON object are skipped, not
// decoded. The tolerances are those of ARO: every field but ID may be null.
type AROSummaryItem struct {
	ID           string                  `json:"ID"`
	CreationTime *string                 `json:"creation_time"`
	Organization *AROSummaryOrganization `json:"organization"`
	Resolution   *string                 `json:"resolution"`
	Severity     *string                 `json:"severity"`
	Status       *string                 `json:"status"`
	Type         *string                 `json:"type"`
}

// AROSummaryOrganization is the part of an ARO's organization a summary needs.
type AROSummaryOrganization struct {
	ID *string `json:"ID"`
}

// AROOrganization is the organization an ARO belongs to.
type AROOrganization struct {
	ID    *string `json:"ID"`
	Email *string `json:"email"`
	Name  *string `json:"name"`
}

// Step is one mitigation step of an ARO.
type Step struct {
	ID              *string `json:"ID"`
	Completed       *bool   `json:"completed"`
	Label           *string `json:"label"`
	LastUpdatedTime *string `json:"last_updated_time"`
}

// AROPage is one page of GET providers/{id}/aros.
type AROPage struct {
	Items []ARO `json:"items"`
	Total *int  `json:"total"`
	Page  *int  `json:"page"`
}

// Count is a JSON number that must be integral; a numeric string is accepted too.
type Count int64

// UnmarshalJSON accepts 3, 3.0 and "3".
func (c *Count) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		*c = Count(i)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return fmt.Errorf("count %s is not a whole number", b)
	}
	*c = Count(int64(f))
	return nil
}

// FlexString is a string the portal may also send as a number (serial_id).
type FlexString string

// UnmarshalJSON accepts a JSON string or number. encoding/json has checked b
// is one JSON value before calling it, so a plain string (no escapes, valid
// UTF-8) and a number are taken as they are, without decoding b again.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		s, err := jsonString(b)
		if err != nil {
			return err
		}
		*f = FlexString(s)
		return nil
	}
	if len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') && b[len(b)-1] >= '0' && b[len(b)-1] <= '9' && json.Valid(b) {
		*f = FlexString(b) // a JSON number's text, as json.Number keeps it
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("expected a string or number, got %s", b)
	}
	*f = FlexString(n.String())
	return nil
}

// jsonString decodes the JSON string literal b, which encoding/json has
// already checked: one that needs no unescaping or UTF-8 repair is its
// bytes between the quotes.
func jsonString(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && plainString(b[1:len(b)-1]) {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// plainString reports whether s, between a JSON string's quotes, means
// itself: no escapes, quotes or control characters, valid UTF-8.
func plainString(s []byte) bool {
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.Valid(s)
}

// References is the list of an ARO's references. Entries are strings; an
// entry of another JSON type is kept as its JSON text rather than failing.
// A JSON null leaves the slice nil (distinct from an empty list).
type References []string

// UnmarshalJSON keeps null as nil, a null entry as "" and any other
// non-string entry as its JSON text. b is one JSON value encoding/json has
// checked; an array is split here, in one pass, rather than decoded again.
func (r *References) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = nil
		return nil
	}
	if len(b) == 0 || b[0] != '[' || !json.Valid(b) {
		var raw []json.RawMessage // not an array: encoding/json's own error
		return json.Unmarshal(b, &raw)
	}
	out := make([]string, 0, 4)
	i := skipSpace(b, 1)
	if b[i] == ']' {
		*r = out
		return nil
	}
	for {
		end := valueEnd(b, i)
		e := b[i:end]
		switch {
		case e[0] == '"':
			s, err := jsonString(e)
			if err != nil {
				return err
			}
			out = append(out, s)
		case string(e) == "null":
			out = append(out, "")
		default:
			out = append(out, string(e))
		}
		i = skipSpace(b, end)
		if b[i] == ']' {
			break
		}
		i = skipSpace(b, i+1) // past the comma
	}
	*r = out
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the end of the (valid) JSON value starting at b[i].
func valueEnd(b []byte, i int) int {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			for j++; b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
				}
			}
			if depth == 0 {
				return j + 1
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 {
				return j
			}
			depth--
			if depth == 0 {
				return j + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return j
			}
		}
	}
	return len(b)
}

var timeLayouts = []string{
	PortalTimeLayout,
	"2006-01-02 15:04:05.999999999",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
}

// ParsePortalTime parses a timestamp as the portal writes it (UTC when no zone is given).
func ParsePortalTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// RFC3339 converts a portal timestamp to RFC 3339 UTC ("2021-05-11T12:58:26Z").
// A value that is not a timestamp is returned unchanged; nil stays nil.
func RFC3339(s *string) *string {
	if s == nil {
		return nil
	}
	t, ok := ParsePortalTime(*s)
	if !ok {
		return s
	}
	out := t.Format(time.RFC3339Nano)
	return &out
}
