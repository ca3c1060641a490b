package mockportal

import (
	"slices"
	"testing"
	"time"
)

func TestCompareAROs(t *testing.T) {
	list := []ARO{
		{ID: "b", CreationTime: "2024-01-01 00:00:00"},
		{ID: "z", CreationTime: "garbage"},
		{ID: "a", CreationTime: "2024-01-01 00:00:00"},
		{ID: "c", CreationTime: "2025-01-01 00:00:00"},
		{ID: "y", CreationTime: ""},
	}
	slices.SortFunc(list, CompareAROs)
	var got []string
	for _, a := range list {
		got = append(got, a.ID)
	}
	if want := []string{"c", "a", "b", "y", "z"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestAROsOfIsTheServedOrder(t *testing.T) {
	d := Generate(5, 6, 700, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	d.Providers = append(d.Providers, Provider{ID: "p2", Name: "Other"})
	d.Orgs = append(d.Orgs, Organization{ID: "o-p2", Name: "Theirs", ProviderID: "p2"})
	d.AROs = append(d.AROs,
		ARO{ID: "theirs", CreationTime: "2025-05-01 00:00:00", Organization: &OrgRef{ID: "o-p2"}},
		ARO{ID: "unknown-org", CreationTime: "2025-05-01 00:00:00", Organization: &OrgRef{ID: "nope"}},
		ARO{ID: "bad-time", CreationTime: "yesterday"},
	)
	_, hs := startServer(t, d, Options{PageCap: 1000, PageBase: 1})
	for _, prov := range []string{"prov-0001", "p2"} {
		var want []string
		for _, a := range d.AROsOf(prov) {
			want = append(want, a.ID)
		}
		got := getPage(t, hs.URL, prov, q("limit", "1000")).ids(t)
		if !slices.Equal(got, want) || len(got) == 0 {
			t.Fatalf("%s: served %d ids, AROsOf %d, or in another order", prov, len(got), len(want))
		}
	}
	if got := d.AROsOf("p2"); len(got) != 1 || got[0].ID != "theirs" {
		t.Fatalf("p2: %v", got)
	}
	mine := d.AROsOf("prov-0001")
	if mine[len(mine)-1].ID != "bad-time" || !slices.ContainsFunc(mine, func(a ARO) bool { return a.ID == "unknown-org" }) {
		t.Fatal("prov-0001 lacks the ARO of an unknown organization or does not end with the unparsable time")
	}
	if !slices.IsSortedFunc(mine, CompareAROs) {
		t.Fatal("AROsOf is not in CompareAROs order")
	}
}
