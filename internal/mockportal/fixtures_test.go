package mockportal

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// publishedSamples are the SHA-256 sums of the portal's published example
// answers, which testdata/ holds verbatim (internal/covalence/CONTRACT.md,
// "Fixtures"). An edited fixture fails here: a new shape of answer belongs in
// a test's own body or in Generate, not in the published samples.
var publishedSamples = map[string]string{
	FixtureAROs:               "6d7758298b30faf419e3c267e75df46cc1e9f06d2445277eb7fa41c29f591544",
	FixtureOrganizations:      "6cebad932a5202ee642e1de5cb245d423b771e2c37e253e4e46fe287698e2f45",
	FixtureOrganizationDetail: "8c440149362c422d0b7b3aaac71c592e50968c3edac33ee69120d64bd893d0ed",
	FixtureAROTransition:      "a01063b927d52e93a8c25b566f100bd4bbfd942fd8223abb08fce2e547a8923c",
}

func TestFixturesAreThePublishedSamples(t *testing.T) {
	for name, want := range publishedSamples {
		b := FixtureBytes(name)
		if len(b) == 0 {
			t.Errorf("%s: not embedded", name)
			continue
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != want {
			t.Errorf("testdata/%s differs from the published sample (sha256 %s, want %s)", name, got, want)
		}
	}
	if FixtureBytes("nope.json") != nil {
		t.Error("unknown fixture is not nil")
	}
}

func TestFixtureOrganizations(t *testing.T) {
	_, hs := startServer(t, FixtureData(), Options{})
	_, body := get(t, hs.URL, "/my_providers/prov-0001/organizations", testKey)
	list, ok := decodeJSON(t, body).([]any)
	if !ok || len(list) != 4 {
		t.Fatalf("organizations: %s", body)
	}
	want := decodeJSONAs[[]any](t, FixtureBytes(FixtureOrganizations))
	if !reflect.DeepEqual(list[:2], want) {
		t.Errorf("first two organizations differ from organizations.json:\n%v\n%v", list[:2], want)
	}
	acme, _ := list[2].(map[string]any)
	if acme["ID"] != FixtureAROAcmeOrgID || acme["name"] != "Acme Inc." || acme["email"] != "john.smith@foo.bar" {
		t.Errorf("ARO's org: %v", acme)
	}
	detailOrg, _ := list[3].(map[string]any)
	if detailOrg["ID"] != FixtureDetailOrgID || detailOrg["email"] != nil || detailOrg["email_aro_details"] != true ||
		detailOrg["client_id"] != "2022-1234-ABC" || detailOrg["name"] != "Test Organization Name" {
		t.Errorf("detail org list entry: %v", detailOrg)
	}
	if _, has := detailOrg["contacts"]; has {
		t.Errorf("list entry carries detail fields: %v", detailOrg)
	}
	if _, has := detailOrg["email"]; !has {
		t.Errorf("null email omitted: %v", detailOrg)
	}

	_, body = get(t, hs.URL, "/my_providers/prov-0002/organizations", testKey)
	other := decodeJSONAs[[]any](t, body)
	if len(other) != 1 {
		t.Fatalf("prov-0002 organizations: %s", body)
	}
	if first, _ := other[0].(map[string]any); first["ID"] != FixtureOtherOrgID {
		t.Errorf("prov-0002 organizations: %s", body)
	}
}

func TestFixtureOrganizationDetail(t *testing.T) {
	_, hs := startServer(t, FixtureData(), Options{})
	want := decodeJSON(t, FixtureBytes(FixtureOrganizationDetail))
	for _, p := range []string{"/v1/organizations/", "/my_organizations/"} {
		resp, body := get(t, hs.URL, p+FixtureDetailOrgID, testKey)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		if got := decodeJSON(t, body); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: detail differs from organization_detail.json:\n%s", p, body)
		}
	}
}

func TestFixtureAROs(t *testing.T) {
	_, hs := startServer(t, FixtureData(), Options{PageBase: 1})
	p := getPage(t, hs.URL, FixtureProviderID, nil)
	if ids := p.ids(t); !slices.Equal(ids, []string{FixtureTransitionAROID, FixtureAROID}) || p.Total != 2 || p.Page != 1 {
		t.Fatalf("prov-0001: ids %v total %d page %d", ids, p.Total, p.Page)
	}
	// Each fixture's ARO is served with every field it has (nulls and
	// extra fields included) as it has it; the known fields it lacks are
	// served as null.
	for _, tc := range []struct {
		name string
		want any
		got  []byte
	}{
		{FixtureAROs, decodeJSONAs[[]any](t, FixtureBytes(FixtureAROs))[0], p.Items[1]},
		{FixtureAROTransition, decodeJSON(t, FixtureBytes(FixtureAROTransition)), p.Items[0]},
	} {
		want, _ := tc.want.(map[string]any)
		got := decodeJSONAs[map[string]any](t, tc.got)
		for k, v := range want {
			if g, ok := got[k]; !ok || !reflect.DeepEqual(g, v) {
				t.Errorf("%s: field %q served as %v (present %v), want %v", tc.name, k, g, ok, v)
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok && (v != nil || !aroKnownKeys[k]) {
				t.Errorf("%s: served %q = %v, which the fixture lacks", tc.name, k, v)
			}
		}
	}
	gotT := decodeJSONAs[map[string]any](t, p.Items[0])
	for _, k := range []string{"attachments", "insights", "frameworks", "resolution_time", "resolution_duration_seconds", "data", "external_ticket"} {
		if _, ok := gotT[k]; !ok {
			t.Errorf("transition ARO: extra field %q missing", k)
		}
	}
	// The organization filter uses the ARO's organization ID.
	if ids := getPage(t, hs.URL, FixtureProviderID, q("organization_id", FixtureAROAcmeOrgID)).ids(t); !slices.Equal(ids, []string{FixtureAROID}) {
		t.Errorf("filter by the fixture ARO's org: %v", ids)
	}
	// The other provider has its own ARO only.
	if ids := getPage(t, hs.URL, FixtureOtherProviderID, nil).ids(t); !slices.Equal(ids, []string{FixtureOtherProviderARO}) {
		t.Errorf("prov-0002: %v", ids)
	}
}

func TestFixtureDataIsFresh(t *testing.T) {
	a, b := FixtureData(), FixtureData()
	a.AROs[0].Title = "changed"
	a.Orgs[3].Detail["status"] = "changed"
	if b.AROs[0].Title == "changed" || b.Orgs[3].Detail["status"] == "changed" {
		t.Error("FixtureData shares state between calls")
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(FixtureBytes(FixtureAROs), &raw); err != nil || len(raw) != 1 {
		t.Fatalf("aros.json: %v", err)
	}
}
