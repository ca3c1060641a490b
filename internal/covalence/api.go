package covalence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"
)

// MyProviders lists the providers the API key belongs to (GET my_providers).
func (c *Client) MyProviders(ctx context.Context) ([]Provider, error) {
	var out []Provider
	if err := c.getJSON(ctx, c.endpoint(nil, "my_providers"), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Providers lists the providers visible to the API key (GET providers).
func (c *Client) Providers(ctx context.Context) ([]Provider, error) {
	var out []Provider
	if err := c.getJSON(ctx, c.endpoint(nil, "providers"), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ResolveProvider finds the provider to act as. An empty idOrName takes the
// first of GET my_providers; otherwise an exact ID wins, then an exact name,
// among GET providers (and my_providers). The answer is kept for the life of
// the client; a failure is not, so a later call tries again.
func (c *Client) ResolveProvider(ctx context.Context, idOrName string) (Provider, error) {
	return c.providers.do(ctx, idOrName, func() (Provider, error) { return c.resolveProvider(ctx, idOrName) })
}

func (c *Client) resolveProvider(ctx context.Context, idOrName string) (Provider, error) {
	mine, err := c.MyProviders(ctx)
	if err != nil {
		return Provider{}, err
	}
	if idOrName == "" {
		if len(mine) == 0 || mine[0].ID == "" {
			return Provider{}, errors.New("the API key belongs to no MSSP provider (GET my_providers answered an empty list)")
		}
		return mine[0], nil
	}
	visible, err := c.Providers(ctx)
	if err != nil && !IsStatus(err, http.StatusForbidden) && !IsStatus(err, http.StatusNotFound) {
		return Provider{}, err
	}
	all := append(append([]Provider{}, mine...), visible...)
	for _, p := range all {
		if p.ID == idOrName {
			return p, nil
		}
	}
	var byName []Provider
	seen := map[string]bool{}
	for _, p := range all {
		if p.Name == idOrName && !seen[p.ID] {
			seen[p.ID] = true
			byName = append(byName, p)
		}
	}
	switch len(byName) {
	case 1:
		return byName[0], nil
	case 0:
		names := make([]string, 0, len(all))
		seen = map[string]bool{}
		for _, p := range all {
			if !seen[p.ID] {
				seen[p.ID] = true
				names = append(names, fmt.Sprintf("%q (%s)", p.Name, p.ID))
			}
		}
		sort.Strings(names)
		return Provider{}, fmt.Errorf("no provider has the ID or name %q; the key can see: %s", idOrName, orNone(names))
	default:
		ids := make([]string, len(byName))
		for i, p := range byName {
			ids[i] = p.ID
		}
		sort.Strings(ids)
		return Provider{}, fmt.Errorf("%d providers are named %q (%s): give the ID instead", len(byName), idOrName, strings.Join(ids, ", "))
	}
}

func orNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

// Organizations lists a provider's organizations. The list is fetched once
// per client and provider (concurrent callers share one request); a failure
// is not kept. Callers must not modify the returned slice.
func (c *Client) Organizations(ctx context.Context, providerID string) ([]Organization, error) {
	return c.orgs.do(ctx, providerID, func() ([]Organization, error) {
		var out []Organization
		if err := c.getJSON(ctx, c.endpoint(nil, "my_providers", providerID, "organizations"), &out); err != nil {
			return nil, err
		}
		for i, o := range out {
			if o.ID == "" {
				return nil, fmt.Errorf("GET my_providers/%s/organizations: organization #%d (%q) has no ID", providerID, i+1, o.Name)
			}
		}
		return out, nil
	})
}

// Organization reads one organization's detail: GET organizations/{id}, or
// GET my_organizations/{id} where the first path is not found (both are seen).
func (c *Client) Organization(ctx context.Context, orgID string) (*OrganizationDetail, error) {
	var out OrganizationDetail
	err := c.getJSON(ctx, c.endpoint(nil, "organizations", orgID), &out)
	if IsStatus(err, http.StatusNotFound) {
		out = OrganizationDetail{}
		err = c.getJSON(ctx, c.endpoint(nil, "my_organizations", orgID), &out)
	}
	if err != nil {
		return nil, err
	}
	if out.ID == "" {
		out.ID = out.LowerID
	}
	return &out, nil
}

// OrgDetailError is the failure to read one organization's detail.
type OrgDetailError struct {
	OrgID string
	Err   error
}

func (e *OrgDetailError) Error() string { return "organization " + e.OrgID + ": " + e.Err.Error() }
func (e *OrgDetailError) Unwrap() error { return e.Err }

// OrganizationDetails reads the detail of each organization of orgIDs with
// Organization, MaxParallel calls at a time; every request goes through the
// client's scheduler like any other, so the configuration's budget, rate
// limits and retries apply. details[i] is the detail of orgIDs[i], nil where
// the portal answers 404 (the organization went away since it was listed).
// Any other failure cancels the calls still running and is returned as an
// *OrgDetailError naming the organization.
func (c *Client) OrganizationDetails(ctx context.Context, orgIDs []string) ([]*OrganizationDetail, error) {
	details := make([]*OrganizationDetail, len(orgIDs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.maxParallel)
	for i, id := range orgIDs {
		g.Go(func() error {
			d, err := c.Organization(gctx, id)
			switch {
			case IsStatus(err, http.StatusNotFound):
				return nil
			case err != nil:
				return &OrgDetailError{OrgID: id, Err: err}
			}
			details[i] = d
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return details, nil
}
