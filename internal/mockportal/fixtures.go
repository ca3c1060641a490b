package mockportal

import (
	"embed"
	"encoding/json"
	"fmt"
)

// The contract's example answers (testdata/*.json), verbatim: the project
// keeps its own copy of the portal's published fixtures.
//
//go:embed testdata/aros.json testdata/organizations.json testdata/organization_detail.json testdata/aro_transition.json
var fixtureFS embed.FS

// Fixture file names.
const (
	FixtureAROs               = "aros.json"
	FixtureOrganizations      = "organizations.json"
	FixtureOrganizationDetail = "organization_detail.json"
	FixtureAROTransition      = "aro_transition.json"
)

// IDs and names used by FixtureData.
const (
	FixtureProviderID       = "prov-0001"
	FixtureProviderName     = "Test MSSP"
	FixtureOtherProviderID  = "prov-0002"
	FixtureOtherProvider    = "Other MSSP"
	FixtureAcmeOrgID        = "80694bef-37ff-4aa5-94c5-ceafb30d628f" // organizations.json "Acme Inc."
	FixtureCapsuleOrgID     = "7f5208da-e420-4178-8605-bc1409c83089" // organizations.json "Capsule Corp"
	FixtureAROAcmeOrgID     = "7d2f2003-be1e-45fe-8f9a-e6d02ab935b2" // the "Acme Inc." of aros.json
	FixtureDetailOrgID      = "6d752a20-b28a-45f8-a72f-b809b52335ed" // organization_detail.json
	FixtureOtherOrgID       = "3c1f9a4e-2b7d-4e8a-9c5f-0d6e7f8a9b10" // Globex Corporation, of prov-0002
	FixtureAROID            = "5026382f-09de-440c-b97d-784006fcbe1d" // aros.json
	FixtureTransitionAROID  = "7ea9b17d-7529-4b17-b0e7-92334d6c674b" // aro_transition.json
	FixtureOtherProviderARO = "9b8e7d6c-5a4b-4c3d-8e2f-1a0b9c8d7e6f" // the ARO of prov-0002
)

// FixtureBytes returns a raw embedded fixture by file name (nil if unknown).
func FixtureBytes(name string) []byte {
	b, err := fixtureFS.ReadFile("testdata/" + name)
	if err != nil {
		return nil
	}
	return b
}

// FixtureData builds an estate from the embedded fixtures:
//
//   - MyProviders: {prov-0001, "Test MSSP"}; Providers adds {prov-0002, "Other MSSP"}.
//   - prov-0001 organizations, in order: the two of organizations.json
//     ("Acme Inc." 80694bef-..., "Capsule Corp"), the "Acme Inc." 7d2f2003-...
//     named by the aros.json ARO (so two organizations are named "Acme Inc."),
//     and "Test Organization Name" 6d752a20-... whose detail is
//     organization_detail.json (its list entry also carries "client_id").
//   - prov-0002 organization: "Globex Corporation", with one ARO of its own.
//   - AROs: the one of aros.json and the one of aro_transition.json (extra
//     fields in Extra; its organization "test_ID" is no known organization,
//     so it belongs to prov-0001).
func FixtureData() *Data {
	var orgs []struct {
		ID              string  `json:"ID"`
		Name            string  `json:"name"`
		Email           *string `json:"email"`
		EmailARODetails bool    `json:"email_aro_details"`
	}
	mustDecode(FixtureOrganizations, &orgs)
	var aros []ARO
	mustDecode(FixtureAROs, &aros)
	var transition ARO
	mustDecode(FixtureAROTransition, &transition)
	detailRaw, err := decodeAny(FixtureBytes(FixtureOrganizationDetail))
	if err != nil {
		panic(fmt.Sprintf("mockportal: fixture %s: %v", FixtureOrganizationDetail, err))
	}
	detail, ok := detailRaw.(map[string]any)
	if !ok {
		panic(fmt.Sprintf("mockportal: fixture %s is not a JSON object", FixtureOrganizationDetail))
	}
	detailID, _ := detail["ID"].(string)
	detailName, _ := detail["name"].(string)

	d := &Data{
		MyProviders: []Provider{{ID: FixtureProviderID, Name: FixtureProviderName}},
		Providers: []Provider{
			{ID: FixtureProviderID, Name: FixtureProviderName},
			{ID: FixtureOtherProviderID, Name: FixtureOtherProvider},
		},
	}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, Organization{
			ID: o.ID, Name: o.Name, Email: o.Email, EmailARODetails: o.EmailARODetails,
			ProviderID: FixtureProviderID,
		})
	}
	for _, a := range aros {
		if a.Organization == nil {
			continue
		}
		d.Orgs = append(d.Orgs, Organization{
			ID: a.Organization.ID, Name: a.Organization.Name, Email: a.Organization.Email,
			ProviderID: FixtureProviderID,
			Detail: map[string]any{
				"client_id": "2021-0042-ACM", "status": "active", "license_type": "Covalence Complete",
				"service_tier": "Complete", "is_trial": false,
				"created_time": "2021-01-04 09:30:00", "last_updated_time": "2021-05-11 12:58:26",
			},
		})
	}
	detailOrg := Organization{
		ID:              detailID,
		Name:            detailName,
		EmailARODetails: detail["email_aro_details"] == true,
		ProviderID:      FixtureProviderID,
		Detail:          map[string]any{},
		Extra:           map[string]any{"client_id": detail["client_id"]},
	}
	if e, ok := detail["email"].(string); ok {
		detailOrg.Email = &e
	}
	for k, v := range detail {
		if !orgKnownKeys[k] {
			detailOrg.Detail[k] = v
		}
	}
	d.Orgs = append(d.Orgs, detailOrg)

	otherEmail := "hank.scorpio@globex.example"
	d.Orgs = append(d.Orgs, Organization{
		ID: FixtureOtherOrgID, Name: "Globex Corporation", Email: &otherEmail, EmailARODetails: true,
		ProviderID: FixtureOtherProviderID,
	})

	d.AROs = append(d.AROs, aros...)
	d.AROs = append(d.AROs, transition)
	count := int64(3)
	details := "PowerShell was launched with an encoded command line on GLOBEX-WS-17 (last seen user: hscorpio).\n\nReview the command and the parent process; isolate the host if the activity is not expected."
	d.AROs = append(d.AROs, ARO{
		ID: FixtureOtherProviderARO, Count: &count, Details: &details,
		CreationTime: "2022-03-09 08:15:00", LastUpdatedTime: "2022-03-09 09:00:00",
		Organization: &OrgRef{ID: FixtureOtherOrgID, Name: "Globex Corporation", Email: &otherEmail},
		References:   []string{},
		Resolution:   "Unresolved", SerialID: "3", Severity: "High", Status: "In Triage",
		Title: "Suspicious PowerShell execution", Type: "Action",
		Steps: []Step{},
	})
	return d
}

func mustDecode(name string, v any) {
	if err := json.Unmarshal(FixtureBytes(name), v); err != nil {
		panic(fmt.Sprintf("mockportal: fixture %s: %v", name, err))
	}
}
