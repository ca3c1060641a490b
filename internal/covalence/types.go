package covalence

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The contract's documented values of an ARO's fields, in the order the
// contract lists them; Severities rises from the least to the most severe.
// Answers may carry others (the client keeps them as they are).
var (
	Severities  = []string{"Informational", "Warning", "Low", "Medium", "High", "Critical"}
	Statuses    = []string{"In Triage", "Open", "Closed"}
	Resolutions = []string{"Unresolved", "Resolved", "Help Requested", "Dismissed"}
	Types       = []string{"Action", "Recommendation", "Observation"}
)

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

// Count is a JSON number that must be integral; a numeric string is accepted too.
type Count int64

// maxDecimalCount is the largest count accepted written as a decimal (3.0,
// 1e3): 2^53, up to which every whole number is a float64, so that a
// portal that counts in floats sends it exactly. Past it, a decimal may be
// a rounded float, and 9007199254740993.0 would read as 9007199254740992.
const maxDecimalCount = 1 << 53

// UnmarshalJSONFrom accepts 3, 3.0, 1e3 and "3": an integer as it is, a
// decimal when it is a whole number of magnitude at most maxDecimalCount.
func (c *Count) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	s := string(bytes.Trim(v, `"`))
	switch i, err := strconv.ParseInt(s, 10, 64); {
	case err == nil:
		*c = Count(i)
		return nil
	case errors.Is(err, strconv.ErrRange): // an integer, written as one
		return fmt.Errorf("count %s is beyond a 64-bit integer", v)
	}
	n, err := decimalCount(s)
	if err != nil {
		return fmt.Errorf("count %s %w", v, err)
	}
	*c = Count(n)
	return nil
}

// decimalCount is the value of s, a decimal number with an optional sign,
// fraction and exponent (JSON's number syntax, a leading + allowed), read
// digit by digit rather than through a float64, which would round it. The
// error completes "count 3.5 ...".
func decimalCount(s string) (int64, error) {
	notWhole := errors.New("is not a whole number")
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart+frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return 0, notWhole
	}
	// The value is digits * 10^scale, digits without leading or trailing 0s.
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := -len(frac)
	for strings.HasSuffix(digits, "0") {
		digits = digits[:len(digits)-1]
		scale++
	}
	if hasExp {
		sign := 1
		if rest, ok := strings.CutPrefix(exp, "-"); ok {
			sign, exp = -1, rest
		} else {
			exp = strings.TrimPrefix(exp, "+")
		}
		if exp == "" || !allDigits(exp) {
			return 0, notWhole
		}
		// An exponent larger than s is long decides alone whether the value
		// is a fraction or too large: it is bounded to that, which keeps the
		// sum from overflowing.
		limit := len(s) + 20
		e := limit
		if len(strings.TrimLeft(exp, "0")) < 10 {
			e, _ = strconv.Atoi(exp)
		}
		scale += sign * min(e, limit)
	}
	if digits == "" {
		return 0, nil
	}
	tooLarge := fmt.Errorf("is a decimal beyond 2^53 (%d), past which a decimal may be a rounded float: a larger count must be sent as an integer", maxDecimalCount)
	switch {
	case scale < 0:
		return 0, notWhole // its last digit, not 0, is a fraction's
	case len(digits)+scale > len(strconv.Itoa(maxDecimalCount)):
		return 0, tooLarge
	}
	n, err := strconv.ParseInt(digits+strings.Repeat("0", scale), 10, 64)
	if err != nil || n > maxDecimalCount {
		return 0, tooLarge
	}
	if neg {
		n = -n
	}
	return n, nil
}

// allDigits reports whether s is ASCII digits only ("" is).
func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json.
func (c *Count) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, c, asEncodingJSON) }

// FlexString is a string the portal may also send as a number (serial_id).
type FlexString string

// UnmarshalJSONFrom accepts a JSON string or number; a number is kept as
// its JSON text, as json.Number keeps it.
func (f *FlexString) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	switch d.PeekKind() {
	case '"':
		tok, err := d.ReadToken()
		if err != nil {
			return err
		}
		*f = FlexString(tok.String())
		return nil
	case '0':
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		*f = FlexString(v)
		return nil
	}
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	return fmt.Errorf("expected a string or number, got %s", v)
}

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json.
func (f *FlexString) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, f, asEncodingJSON) }

// References is the list of an ARO's references. Entries are strings; an
// entry of another JSON type is kept as its JSON text rather than failing.
// A JSON null leaves the slice nil (distinct from an empty list).
type References []string

// UnmarshalJSONFrom keeps null as nil, a null entry as "" and any other
// non-string entry as its JSON text.
func (r *References) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	switch d.PeekKind() {
	case 'n':
		_, err := d.ReadToken()
		*r = nil
		return err
	case '[':
	default:
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		return fmt.Errorf("expected an array of references or null, got %s", v)
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	out := make(References, 0, 4)
	// An error of the decoder ends the loop: PeekKind then reports no kind,
	// and ReadValue the error.
	for d.PeekKind() != ']' {
		switch d.PeekKind() {
		case '"':
			tok, err := d.ReadToken()
			if err != nil {
				return err
			}
			out = append(out, tok.String())
		case 'n':
			if _, err := d.ReadToken(); err != nil {
				return err
			}
			out = append(out, "")
		default:
			v, err := d.ReadValue()
			if err != nil {
				return err
			}
			out = append(out, string(v))
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	*r = out
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json.
func (r *References) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, r, asEncodingJSON) }
