package covalence

import (
	"errors"
	"fmt"
	"strings"
	"testing"
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
