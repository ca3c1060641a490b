package covalence

import (
	"net/url"
	"strconv"
	"time"
)

// AROFilter is one filter of GET providers/{id}/aros: its query parameter,
// the values it accepts and the field of an ARO it is checked against. The
// client's query (AROQuery.Values), the check of every ARO returned
// (aroMatcher), the provider's filter attributes and the live check's
// probes all read AROFilters, so a filter is stated once, here.
type AROFilter struct {
	// Param is the query parameter, and the name the provider's attribute
	// and the SOAR query key give the filter.
	Param string
	// Values are the values the contract documents, in its order; nil
	// accepts any value that is not empty.
	Values []string
	// Kind is how an ARO is checked: its field equal to the value sent, or
	// its field (a time) at or after, or at or before, the value sent.
	Kind FilterKind
	// Field is the ARO's JSON field it is checked against, a dotted path
	// into nested objects (organization.ID).
	Field string
	// Keeps says which AROs it keeps, to follow "Only AROs ".
	Keeps string

	// value is where AROQuery keeps an equality filter's value (nil for a
	// time bound: AROQuery.Since and Until, rounded by AROQuery.window).
	value func(*AROQuery) *string
	// field is Field as the pager reads it of an item (filterFields).
	field func(*filterFields) *string
}

// FilterKind is how an AROFilter checks an ARO.
type FilterKind int

const (
	// Equal: the field equals the value sent (case-sensitive; null never does).
	Equal FilterKind = iota
	// Since: the field, a time, is at or after the value sent.
	Since
	// Until: the field, a time, is at or before the value sent.
	Until
)

// AROFilters are the filters of GET providers/{id}/aros, in the order
// PageStats.Unapplied lists them.
var AROFilters = []AROFilter{
	{Param: "organization_id", Field: "organization.ID", Keeps: "of the organization with this ID",
		value: func(q *AROQuery) *string { return &q.OrganizationID },
		field: func(f *filterFields) *string { return f.OrganizationID }},
	{Param: "status", Values: Statuses, Field: "status", Keeps: "with this workflow status",
		value: func(q *AROQuery) *string { return &q.Status },
		field: func(f *filterFields) *string { return f.Status }},
	{Param: "resolution", Values: Resolutions, Field: "resolution", Keeps: "with this resolution",
		value: func(q *AROQuery) *string { return &q.Resolution },
		field: func(f *filterFields) *string { return f.Resolution }},
	{Param: "type", Values: Types, Field: "type", Keeps: "of this type",
		value: func(q *AROQuery) *string { return &q.Type },
		field: func(f *filterFields) *string { return f.Type }},
	{Param: "since", Kind: Since, Field: "creation_time", Keeps: "created at or after this time",
		field: func(f *filterFields) *string { return f.CreationTime }},
	{Param: "until", Kind: Until, Field: "creation_time", Keeps: "created at or before this time",
		field: func(f *filterFields) *string { return f.CreationTime }},
	{Param: "id", Field: "ID", Keeps: "with this ID",
		value: func(q *AROQuery) *string { return &q.ID },
		field: func(f *filterFields) *string { return &f.ID }},
}

// AROFilterParams are the Param of each of AROFilters, in their order.
var AROFilterParams = func() []string {
	out := make([]string, len(AROFilters))
	for i, f := range AROFilters {
		out[i] = f.Param
	}
	return out
}()

// Value is where q keeps the value of an equality filter; nil for a time
// bound (q.Since, q.Until).
func (f *AROFilter) Value(q *AROQuery) *string {
	if f.value == nil {
		return nil
	}
	return f.value(q)
}

// OfSummary is the field of a summary's item this filter checks.
func (f *AROFilter) OfSummary(a *AROSummaryItem) *string {
	ff := summaryFilterFields(a)
	return f.field(&ff)
}

// Time is where q keeps the value of a time bound; nil for an equality filter.
func (f *AROFilter) Time(q *AROQuery) **time.Time {
	switch f.Kind {
	case Since:
		return &q.Since
	case Until:
		return &q.Until
	}
	return nil
}

// AROQuery is the server-side filter of an ARO read: a value per filter of
// AROFilters. Empty fields are not sent.
type AROQuery struct {
	ID             string
	Status         string
	Resolution     string
	Type           string
	OrganizationID string
	Since, Until   *time.Time
	// PageSize overrides PageLimit (1..PageLimit) when fewer AROs are needed.
	PageSize int
	// Want, when set, is about how many AROs the caller expects to read
	// before it stops: pages are fetched in parallel only up to that point
	// (plus one), and sequentially after it, so an early stop wastes no requests.
	Want int
}

// filterFields is what the pager reads of an item, whatever its decoded form
// (ARO, AROSummaryItem): its ID and the fields the query filters on.
type filterFields struct {
	ID                                                     string
	OrganizationID, Status, Resolution, Type, CreationTime *string
}

// aroFilterFields are the fields of a whole ARO that AROFilters check.
func aroFilterFields(a *ARO) filterFields {
	f := filterFields{ID: a.ID, Status: a.Status, Resolution: a.Resolution, Type: a.Type, CreationTime: a.CreationTime}
	if a.Organization != nil {
		f.OrganizationID = a.Organization.ID
	}
	return f
}

// summaryFilterFields are the fields of a summary's item that AROFilters check.
func summaryFilterFields(a *AROSummaryItem) filterFields {
	f := filterFields{ID: a.ID, Status: a.Status, Resolution: a.Resolution, Type: a.Type, CreationTime: a.CreationTime}
	if a.Organization != nil {
		f.OrganizationID = a.Organization.ID
	}
	return f
}

// Values renders the query as URL parameters (without page).
func (q AROQuery) Values() url.Values {
	v := url.Values{}
	since, until := q.window()
	for i := range AROFilters {
		f := &AROFilters[i]
		switch f.Kind {
		case Equal:
			if s := *f.value(&q); s != "" {
				v.Set(f.Param, s)
			}
		case Since:
			if since != nil {
				v.Set(f.Param, since.Format(PortalTimeLayout))
			}
		case Until:
			if until != nil {
				v.Set(f.Param, until.Format(PortalTimeLayout))
			}
		}
	}
	limit := PageLimit
	if q.PageSize > 0 && q.PageSize < PageLimit {
		limit = q.PageSize
	}
	v.Set("limit", strconv.Itoa(limit))
	return v
}

// window is the creation-time window as sent, in the portal's whole seconds
// (UTC): since rounded up, so that nothing before it is included, until
// rounded down. nil where the query has no bound.
func (q AROQuery) window() (since, until *time.Time) {
	if q.Since != nil {
		s := q.Since.UTC()
		if t := s.Truncate(time.Second); !t.Equal(s) {
			s = t.Add(time.Second)
		}
		since = &s
	}
	if q.Until != nil {
		u := q.Until.UTC().Truncate(time.Second)
		until = &u
	}
	return since, until
}
