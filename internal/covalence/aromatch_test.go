package covalence

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// TestAROFilterParamsAreTheMocks: the client checks exactly the parameters
// the mock can be told to ignore, in the same order.
func TestAROFilterParamsAreTheMocks(t *testing.T) {
	if !slices.Equal(AROFilterParams, mockportal.AROFilterParams) || len(AROFilterParams) != numFilterParams {
		t.Fatalf("client %v (%d bits), mock %v", AROFilterParams, numFilterParams, mockportal.AROFilterParams)
	}
}

func TestAROMatcher(t *testing.T) {
	at := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	full := filterFields{ID: "a1", OrganizationID: ptr("org-1"), Status: ptr("Open"), Resolution: ptr("Unresolved"), Type: ptr("Action"), CreationTime: ptr("2025-03-10 12:00:00")}
	with := func(change func(*filterFields)) filterFields {
		f := full
		change(&f)
		return f
	}
	cases := []struct {
		name string
		q    AROQuery
		f    filterFields
		want []string // parameters missed
	}{
		{"no filter, nulls everywhere", AROQuery{}, filterFields{ID: "x"}, nil},
		{"every parameter matches", AROQuery{ID: "a1", OrganizationID: "org-1", Status: "Open", Resolution: "Unresolved", Type: "Action",
			Since: at("2025-03-10T12:00:00Z"), Until: at("2025-03-10T12:00:00Z")}, full, nil},
		{"id", AROQuery{ID: "a2"}, full, []string{"id"}},
		{"organization", AROQuery{OrganizationID: "org-2"}, full, []string{"organization_id"}},
		{"null organization", AROQuery{OrganizationID: "org-1"}, with(func(f *filterFields) { f.OrganizationID = nil }), []string{"organization_id"}},
		{"status", AROQuery{Status: "Closed"}, full, []string{"status"}},
		{"status is case-sensitive", AROQuery{Status: "open"}, full, []string{"status"}},
		{"null status", AROQuery{Status: "Open"}, with(func(f *filterFields) { f.Status = nil }), []string{"status"}},
		{"empty resolution", AROQuery{Resolution: "Unresolved"}, with(func(f *filterFields) { f.Resolution = ptr("") }), []string{"resolution"}},
		{"null type", AROQuery{Type: "Action"}, with(func(f *filterFields) { f.Type = nil }), []string{"type"}},
		{"before since", AROQuery{Since: at("2025-03-10T12:00:01Z")}, full, []string{"since"}},
		// since is sent rounded up to the second: 11:59:59.5 goes as 12:00:00.
		{"since rounded up keeps its second", AROQuery{Since: at("2025-03-10T11:59:59.5Z")}, full, nil},
		{"since rounded up drops the second before", AROQuery{Since: at("2025-03-10T11:59:59.5Z")}, with(func(f *filterFields) { f.CreationTime = ptr("2025-03-10 11:59:59") }), []string{"since"}},
		{"after until", AROQuery{Until: at("2025-03-10T11:59:59Z")}, full, []string{"until"}},
		// until is sent as its second: 12:00:00.9 goes as 12:00:00, inclusive.
		{"until inclusive, fraction of an ARO's second", AROQuery{Until: at("2025-03-10T12:00:00Z")}, with(func(f *filterFields) { f.CreationTime = ptr("2025-03-10 12:00:00.750") }), nil},
		{"until with a fraction is its second", AROQuery{Until: at("2025-03-10T12:00:00.900Z")}, with(func(f *filterFields) { f.CreationTime = ptr("2025-03-10 12:00:01") }), []string{"until"}},
		{"times compare in UTC", AROQuery{Since: at("2025-03-10T13:00:00+01:00"), Until: at("2025-03-10T07:00:00-05:00")}, full, nil},
		{"an ARO time with a zone", AROQuery{Until: at("2025-03-10T11:30:00Z")}, with(func(f *filterFields) { f.CreationTime = ptr("2025-03-10T12:00:00+01:00") }), nil},
		{"null creation_time", AROQuery{Since: at("2000-01-01T00:00:00Z"), Until: at("2100-01-01T00:00:00Z")},
			with(func(f *filterFields) { f.CreationTime = nil }), []string{"since", "until"}},
		{"creation_time not a time", AROQuery{Until: at("2100-01-01T00:00:00Z")}, with(func(f *filterFields) { f.CreationTime = ptr("yesterday") }), []string{"until"}},
		{"several at once", AROQuery{ID: "z", OrganizationID: "org-1", Status: "Closed", Type: "Observation", Since: at("2026-01-01T00:00:00Z")}, full,
			[]string{"status", "type", "since", "id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.q.matcher()
			missed := m.misses(&tc.f)
			var got []string
			for i, p := range AROFilterParams {
				if missed&(1<<i) != 0 {
					got = append(got, p)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("missed %v, want %v", got, tc.want)
			}
		})
	}
}

// ignoreCase is one parameter ignored by the portal, with a query that
// sends it and some AROs of the estate that do not satisfy it.
type ignoreCase struct {
	params []string
	q      AROQuery
}

func ignoreCases(d *mockportal.Data) []ignoreCase {
	a := d.AROs[len(d.AROs)/2]
	created, err := time.Parse(mockportal.TimeLayout, a.CreationTime)
	if err != nil {
		panic(err)
	}
	since, until := created.Add(-20*24*time.Hour), created.Add(10*24*time.Hour)
	return []ignoreCase{
		{[]string{"organization_id"}, AROQuery{OrganizationID: d.Orgs[1].ID}},
		{[]string{"status"}, AROQuery{Status: "Open"}},
		{[]string{"resolution"}, AROQuery{Resolution: "Unresolved"}},
		{[]string{"type"}, AROQuery{Type: "Recommendation"}},
		{[]string{"since"}, AROQuery{Since: &since}},
		{[]string{"until"}, AROQuery{Until: &until}},
		{[]string{"id"}, AROQuery{ID: a.ID}},
		{mockportal.AROFilterParams, AROQuery{OrganizationID: a.Organization.ID, Status: a.Status, Resolution: a.Resolution,
			Type: a.Type, Since: &since, Until: &until, ID: a.ID}},
	}
}

// TestStreamChecksWhatThePortalIgnores: a portal that ignores a parameter
// (each in turn, then all seven) gives, through both streams, the AROs a
// portal applying it gives, in the same order, and the stats say how many
// were dropped and which parameter was not applied; a portal applying its
// filters has nothing dropped.
func TestStreamChecksWhatThePortalIgnores(t *testing.T) {
	estates()
	d := genLarge
	for _, tc := range ignoreCases(d) {
		t.Run(strings.Join(tc.params, ","), func(t *testing.T) {
			p, c := setup(t, d, mockportal.Options{PageCap: 50}, nil)
			ctx := testCtx(t, 30*time.Second)
			want, st, err := c.ListAROs(ctx, genProviderID, tc.q)
			if err != nil || st.Dropped != 0 || st.Unapplied != nil {
				t.Fatalf("normal portal: %v, stats %+v", err, st)
			}
			if len(want) == 0 {
				t.Fatal("the query matches nothing: it tests little")
			}
			p.mock.SetFault(always(mockportal.Fault{IgnoreParams: tc.params}))
			got, st, err := c.ListAROs(ctx, genProviderID, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			assertSameOrder(t, idsOf(got), idsOf(want))
			if st.Dropped != st.Distinct-len(want) || st.Dropped == 0 {
				t.Errorf("stats %+v: want %d dropped of %d received", st, st.Distinct-len(want), st.Distinct)
			}
			if !slices.Equal(st.Unapplied, tc.params) {
				t.Errorf("unapplied %v, want %v", st.Unapplied, tc.params)
			}
			sum, sst, err := listSummaries(ctx, c, genProviderID, tc.q)
			if err != nil {
				t.Fatalf("summary: %v", err)
			}
			if len(sum) != len(want) || sst.Dropped != st.Dropped || !slices.Equal(sst.Unapplied, st.Unapplied) {
				t.Fatalf("summary: %d items, stats %+v; StreamAROs: %d, %+v", len(sum), sst, len(want), st)
			}
			for i := range sum {
				if sum[i].ID != want[i].ID {
					t.Fatalf("summary item %d is %s, want %s", i, sum[i].ID, want[i].ID)
				}
			}
		})
	}
}

// TestStreamNullsUnderAFilter: AROs whose filtered field is null are dropped.
func TestStreamNullsUnderAFilter(t *testing.T) {
	body := `{"items":[` +
		`{"ID":"a","status":"Open","resolution":"Unresolved","type":"Action","creation_time":"2025-01-02 03:04:05","organization":{"ID":"o1"}},` +
		`{"ID":"b","status":null,"resolution":"Unresolved","type":"Action","creation_time":"2025-01-02 03:04:05","organization":{"ID":"o1"}},` +
		`{"ID":"c","status":"Open","resolution":null,"type":null,"creation_time":null,"organization":{"ID":null}},` +
		`{"ID":"d","status":"Open","resolution":"Unresolved","type":"Action","creation_time":"2025-01-02 03:04:05","organization":null}` +
		`],"total":4,"page":1}`
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	p.mock.SetFault(always(mockportal.Fault{Body: body}))
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	q := AROQuery{Status: "Open", Resolution: "Unresolved", Type: "Action", OrganizationID: "o1", Since: &since}
	got, st, err := c.ListAROs(testCtx(t, 10*time.Second), mockportal.FixtureProviderID, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "a" || st.Dropped != 3 || st.Distinct != 4 ||
		!slices.Equal(st.Unapplied, []string{"organization_id", "status", "resolution", "type", "since"}) {
		t.Fatalf("got %v, stats %+v", idsOf(got), st)
	}
	sum, sst, err := listSummaries(testCtx(t, 10*time.Second), c, mockportal.FixtureProviderID, q)
	if err != nil || len(sum) != 1 || sum[0].ID != "a" || sst.Dropped != 3 {
		t.Fatalf("summary: %v, %d items, stats %+v", err, len(sum), sst)
	}
}

// TestStreamLyingTotalWhileIgnoring: the portal's total counts what it
// sends; a total that lies is still an error while AROs are being dropped.
func TestStreamLyingTotalWhileIgnoring(t *testing.T) {
	estates()
	q := AROQuery{Status: "Open"}
	for _, delta := range []int{-30, 30} {
		p, c := setup(t, genLarge, mockportal.Options{PageCap: 50}, nil)
		p.mock.SetFault(always(mockportal.Fault{IgnoreParams: []string{"status"}, TotalDelta: delta}))
		_, st, err := listSummaries(testCtx(t, 30*time.Second), c, genProviderID, q)
		_ = asError[*PagingError](t, err)
		if st.Dropped == 0 {
			t.Errorf("total %+d: nothing dropped (%+v): the read did not get far", delta, st)
		}
	}
	p, c := setup(t, genLarge, mockportal.Options{PageCap: 50}, nil)
	p.mock.SetFault(always(mockportal.Fault{IgnoreParams: []string{"status"}, TotalDelta: 1000}))
	_, _, err := c.ListAROs(testCtx(t, 30*time.Second), genProviderID, q)
	mustContain(t, asError[*PagingError](t, err).Error(), "was empty")
}
