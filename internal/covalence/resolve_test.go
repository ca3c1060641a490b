package covalence

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var testOrgs = []Organization{
	{ID: "id-acme", Name: "Acme"},
	{ID: "id-acme-inc", Name: "Acme Inc."},
	{ID: "id-acme-log", Name: "Acme Logistics"},
	{ID: "id-capsule", Name: "Capsule Corp"},
	{ID: "id-globex", Name: "Globex"},
	{ID: "id-initech-2", Name: "Initech"},
	{ID: "id-initech-1", Name: "INITECH"},
	{ID: "id-umbrella", Name: "Umbrella Health"},
	{ID: "id-uni", Name: "Ça Va Sécurité"},
}

func TestResolveOrgMatches(t *testing.T) {
	for name, wantID := range map[string]string{
		"Acme":            "id-acme",     // exact beats the two substrings
		"acme":            "id-acme",     // case-insensitive exact
		"  ACME  ":        "id-acme",     // trimmed
		"acme inc.":       "id-acme-inc", // exact
		"inc":             "id-acme-inc", // unique substring
		"LOGIST":          "id-acme-log",
		"corp":            "id-capsule",
		"health":          "id-umbrella",
		"ça va":           "id-uni",
		"SÉCURITÉ":        "id-uni",
		"Umbrella Health": "id-umbrella",
	} {
		got, err := ResolveOrg(testOrgs, name)
		if err != nil {
			t.Errorf("ResolveOrg(%q): %v", name, err)
			continue
		}
		if got.ID != wantID {
			t.Errorf("ResolveOrg(%q) = %s, want %s", name, got.ID, wantID)
		}
	}
}

func TestResolveOrgAmbiguous(t *testing.T) {
	for _, tc := range []struct {
		name    string
		wantIDs []string
		text    string
	}{
		// Two exact (case-insensitive) matches, listed by name then ID.
		{"initech", []string{"id-initech-1", "id-initech-2"}, `"INITECH" (id-initech-1), "Initech" (id-initech-2)`},
		// Several substring matches, no exact one.
		{"cme", []string{"id-acme", "id-acme-inc", "id-acme-log"}, `"Acme" (id-acme), "Acme Inc." (id-acme-inc), "Acme Logistics" (id-acme-log)`},
		{"e", nil, "matches"},
	} {
		_, err := ResolveOrg(testOrgs, tc.name)
		var me *OrgMatchError
		if !errors.As(err, &me) {
			t.Fatalf("ResolveOrg(%q) err = %v, want *OrgMatchError", tc.name, err)
		}
		if me.Name != tc.name {
			t.Errorf("OrgMatchError.Name = %q", me.Name)
		}
		if tc.wantIDs != nil {
			var ids []string
			for _, o := range me.Matches {
				ids = append(ids, o.ID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.wantIDs, ",") {
				t.Errorf("ResolveOrg(%q) matches %v, want %v", tc.name, ids, tc.wantIDs)
			}
			mustContain(t, err.Error(), fmt.Sprintf("matches %d organizations", len(tc.wantIDs)))
		}
		mustContain(t, err.Error(), tc.text, "organization_id")
	}
	// The caller's slice is not reordered.
	before := fmt.Sprint(testOrgs)
	_, _ = ResolveOrg(testOrgs, "cme")
	if fmt.Sprint(testOrgs) != before {
		t.Error("ResolveOrg reordered the caller's organizations")
	}
}

func TestResolveOrgNone(t *testing.T) {
	for _, name := range []string{"Wayne", "acme inc. ltd", "", "   ", "\t\n"} {
		_, err := ResolveOrg(testOrgs, name)
		var me *OrgMatchError
		if !errors.As(err, &me) || len(me.Matches) != 0 {
			t.Fatalf("ResolveOrg(%q) err = %v, want an OrgMatchError without matches", name, err)
		}
		mustContain(t, err.Error(), fmt.Sprintf("no organization name matches %q", name))
	}
	if _, err := ResolveOrg(nil, "acme"); err == nil {
		t.Error("ResolveOrg on no organizations succeeded")
	}
}

func TestSortOrgs(t *testing.T) {
	orgs := []Organization{{ID: "2", Name: "b"}, {ID: "9", Name: "a"}, {ID: "1", Name: "b"}, {ID: "5", Name: "B"}}
	SortOrgs(orgs)
	var got []string
	for _, o := range orgs {
		got = append(got, o.Name+"/"+o.ID)
	}
	if strings.Join(got, " ") != "B/5 a/9 b/1 b/2" {
		t.Errorf("SortOrgs = %v", got)
	}
}

func TestParseTimeBoundAbsolute(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 30, 45, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2021-01-31T14:00:00Z":           time.Date(2021, 1, 31, 14, 0, 0, 0, time.UTC),
		"2021-01-31T14:00:00+02:00":      time.Date(2021, 1, 31, 12, 0, 0, 0, time.UTC),
		"2021-01-31T14:00:00-05:30":      time.Date(2021, 1, 31, 19, 30, 0, 0, time.UTC),
		"2021-01-31T23:30:00-01:00":      time.Date(2021, 2, 1, 0, 30, 0, 0, time.UTC),
		"2021-01-31T14:00:00.123456789Z": time.Date(2021, 1, 31, 14, 0, 0, 123456789, time.UTC),
		"2021-01-31 14:00:00":            time.Date(2021, 1, 31, 14, 0, 0, 0, time.UTC),
		"  2021-01-31 14:00:00 ":         time.Date(2021, 1, 31, 14, 0, 0, 0, time.UTC),
		"2021-01-31":                     time.Date(2021, 1, 31, 0, 0, 0, 0, time.UTC),
		"0001-01-01":                     time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		"9999-12-31 23:59:59":            time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		"2024-02-29":                     time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
	} {
		got, err := ParseTimeBound(in, now)
		if err != nil {
			t.Errorf("ParseTimeBound(%q): %v", in, err)
			continue
		}
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTimeBound(%q) = %v, want %v (UTC)", in, got, want)
		}
	}
}

func TestParseTimeBoundRelative(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 30, 45, 600, time.FixedZone("X", 3600)) // 11:30:45.0000006 UTC
	base := time.Date(2025, 6, 1, 11, 30, 45, 0, time.UTC)
	for in, ago := range map[string]time.Duration{
		"12 hours":      12 * time.Hour,
		"1 hour":        time.Hour,
		"1 day":         24 * time.Hour,
		"7 days ago":    7 * 24 * time.Hour,
		"7 DAYS AGO":    7 * 24 * time.Hour,
		"2 weeks":       14 * 24 * time.Hour,
		"1 Week":        7 * 24 * time.Hour,
		"30 minutes":    30 * time.Minute,
		"30 min":        30 * time.Minute,
		"5 mins ago":    5 * time.Minute,
		"1 minute":      time.Minute,
		"0 days":        0,
		"12hours":       12 * time.Hour,
		" 3  days   ":   3 * 24 * time.Hour,
		"3 days\tago":   3 * 24 * time.Hour,
		"36500 days":    36500 * 24 * time.Hour,
		"000000007 day": 7 * 24 * time.Hour,
	} {
		got, err := ParseTimeBound(in, now)
		if err != nil {
			t.Errorf("ParseTimeBound(%q): %v", in, err)
			continue
		}
		if want := base.Add(-ago); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTimeBound(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseTimeBoundErrors(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{
		"", "   ", "7 fortnights", "-1 days", "+1 days", "1.5 days", "days", "7", "7 days later", "ago",
		"1 month", "1 year",
		"999999999 days",   // more than 100 years back
		"999999999 weeks",  // would overflow time.Duration
		"9999999999 hours", // 10 digits
		"99999999999999999999999999 minutes",
		"0000-01-01", "0000-12-31 23:59:59", "0000-01-01T00:00:00Z",
		"2021-02-30", "2021-13-01", "2021-01-31 25:00:00", "31/01/2021", "2021-01-31T14:00:00",
		"10000-01-01", "yesterday", "now",
	} {
		got, err := ParseTimeBound(in, now)
		if err == nil {
			t.Errorf("ParseTimeBound(%q) = %v, want an error", in, got)
			continue
		}
		if in != "" && strings.TrimSpace(in) != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("ParseTimeBound(%q) error does not quote the value: %v", in, err)
		}
	}
}

func TestParseTimeBoundYearLimitsInUTC(t *testing.T) {
	// The year bounds hold for the UTC result, not for the written offset.
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{"9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"} {
		if got, err := ParseTimeBound(in, now); err == nil {
			t.Errorf("ParseTimeBound(%q) = %v (year %d), want an error", in, got, got.Year())
		}
	}
	if got, err := ParseTimeBound("0001-01-01T00:30:00-01:00", now); err != nil || got.Year() != 1 {
		t.Errorf("a year-1 time with a negative offset: %v, %v", got, err)
	}
}
