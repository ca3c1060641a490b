package covalence

import (
	"fmt"
	"sort"
	"strings"
)

// OrgMatchError is an organization name that resolves to no organization or
// to several.
type OrgMatchError struct {
	Name    string
	Matches []Organization // empty: nothing matched
}

func (e *OrgMatchError) Error() string {
	if len(e.Matches) == 0 {
		return fmt.Sprintf("no organization name matches %q", e.Name)
	}
	names := make([]string, len(e.Matches))
	for i, o := range e.Matches {
		names[i] = fmt.Sprintf("%q (%s)", o.Name, o.ID)
	}
	return fmt.Sprintf("%q matches %d organizations: %s; use a longer part of the name, the exact name, or organization_id",
		e.Name, len(e.Matches), strings.Join(names, ", "))
}

// ResolveOrg finds the one organization a human name means: an exact,
// case-insensitive name match wins; otherwise the single organization whose
// name contains it (case-insensitive). Several exact or substring matches, or
// none, are an *OrgMatchError. Matches are listed in name, then ID, order.
func ResolveOrg(orgs []Organization, name string) (Organization, error) {
	want := strings.ToLower(strings.TrimSpace(name))
	if want == "" {
		return Organization{}, &OrgMatchError{Name: name}
	}
	var exact, partial []Organization
	for _, o := range orgs {
		n := strings.ToLower(o.Name)
		switch {
		case n == want:
			exact = append(exact, o)
		case strings.Contains(n, want):
			partial = append(partial, o)
		}
	}
	for _, set := range [][]Organization{exact, partial} {
		switch len(set) {
		case 0:
			continue
		case 1:
			return set[0], nil
		default:
			SortOrgs(set)
			return Organization{}, &OrgMatchError{Name: name, Matches: set}
		}
	}
	return Organization{}, &OrgMatchError{Name: name}
}

// SortOrgs orders organizations by name, then ID.
func SortOrgs(orgs []Organization) {
	sort.SliceStable(orgs, func(i, j int) bool {
		if orgs[i].Name != orgs[j].Name {
			return orgs[i].Name < orgs[j].Name
		}
		return orgs[i].ID < orgs[j].ID
	})
}
