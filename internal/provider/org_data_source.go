package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

var (
	_ datasource.DataSource                     = (*orgDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*orgDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*orgDataSource)(nil)
)

// orgDetail is an organization's list entry with its detail.
type orgDetail struct {
	entry  covalence.Organization
	detail covalence.OrganizationDetail
}

func (o *orgDetail) profile() *covalence.OrganizationProfile {
	if o.detail.Profile == nil {
		return &covalence.OrganizationProfile{}
	}
	return o.detail.Profile
}

var contactMapping = newMapping(
	strField("id", "Contact ID.", func(c *covalence.Contact) *string { return c.ID }),
	strField("type", "Role of the contact, e.g. `Administrative`, `Billing`, `Technical - Primary`.", func(c *covalence.Contact) *string { return c.Type }),
	strField("email", "Email.", func(c *covalence.Contact) *string {
		return personField(c, func(p *covalence.ContactPerson) *string { return p.Email })
	}),
	strField("first_name", "First name.", func(c *covalence.Contact) *string {
		return personField(c, func(p *covalence.ContactPerson) *string { return p.FirstName })
	}),
	strField("last_name", "Last name.", func(c *covalence.Contact) *string {
		return personField(c, func(p *covalence.ContactPerson) *string { return p.LastName })
	}),
	strField("phone_number", "Phone number.", func(c *covalence.Contact) *string {
		return personField(c, func(p *covalence.ContactPerson) *string { return p.PhoneNumber })
	}),
)

// personField reads a field of the contact's user when set, else of its contact_info.
func personField(c *covalence.Contact, get func(*covalence.ContactPerson) *string) *string {
	if p := c.Person(); p != nil {
		return get(p)
	}
	return nil
}

// orgDetailMapping: the list entry's attributes (orgListMapping, shared with
// covalence_orgs) plus the detail's.
var orgDetailMapping = newMapping(append(
	lift(orgListMapping.with(nil, map[string]schema.Attribute{
		"id": schema.StringAttribute{Optional: true, Computed: true,
			MarkdownDescription: "ID of the organization. Exactly one of `id` and `name` must be set.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}},
		"name": schema.StringAttribute{Optional: true, Computed: true,
			MarkdownDescription: "Exact name of the organization, ignoring case. Several organizations with that name, or none, are an error. Exactly one of `id` and `name` must be set.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}},
	}), func(o *orgDetail) *covalence.Organization { return &o.entry }),
	strField("client_id", "Field Effect's client number, e.g. `2022-1234-ABC`.", func(o *orgDetail) *string { return o.detail.ClientID }),
	strField("status", "Account status, e.g. `active`.", func(o *orgDetail) *string { return o.detail.Status }),
	strField("license_type", "License, e.g. `Covalence Complete`.", func(o *orgDetail) *string { return o.detail.LicenseType }),
	strField("service_tier", "Service tier, e.g. `Complete`.", func(o *orgDetail) *string { return o.detail.ServiceTier }),
	field[orgDetail]{name: "is_trial",
		schema: schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the organization is on a trial."},
		write:  func(o *orgDetail, s sink) { boolPtr(s, o.detail.IsTrial) }},
	strField("default_locale", "Default language of the organization (`profile.default_locale`), e.g. `en-CA`.", func(o *orgDetail) *string { return o.profile().DefaultLocale }),
	strField("industry", "Industry (`profile.industry`).", func(o *orgDetail) *string { return o.profile().Industry }),
	timeField("created_time", "When the organization was created.", func(o *orgDetail) *string { return o.detail.CreatedTime }),
	timeField("last_updated_time", "When the organization last changed.", func(o *orgDetail) *string { return o.detail.LastUpdatedTime }),
	strField("active_response_policy", "Active response policy (`active_response_profile.response_policy`), e.g. `Off`.", func(o *orgDetail) *string {
		if o.detail.ActiveResponseProfile == nil {
			return nil
		}
		return o.detail.ActiveResponseProfile.ResponsePolicy
	}),
	field[orgDetail]{name: "contacts",
		schema: schema.ListNestedAttribute{Computed: true,
			MarkdownDescription: "Key contacts, in the portal's order. Each contact's personal fields come from its portal user when it has one, else from its contact information.",
			NestedObject:        schema.NestedAttributeObject{Attributes: contactMapping.attributes()}},
		write: func(o *orgDetail, s sink) {
			if o.detail.Contacts == nil {
				s.null()
				return
			}
			s.list(len(o.detail.Contacts), func(i int, e sink) { contactMapping.write(&o.detail.Contacts[i], e) })
		}},
)...)

type orgDataSource struct{ dataSourceBase }

func newOrgDataSource() datasource.DataSource { return &orgDataSource{} }

func (d *orgDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org"
}

func (d *orgDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one organization of the MSSP provider, by ID or exact name, with its detail: licence, service tier, " +
			"default language, active response policy and key contacts. Fields the portal leaves out or nulls are null.",
		Attributes: orgDetailMapping.attributes(),
	}
}

func (d *orgDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *orgDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.Append(notConfigured())
		return
	}
	var id, name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pid, orgs, diags := d.data.organizations(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var matches []covalence.Organization
	for _, o := range orgs {
		if (!id.IsNull() && o.ID == id.ValueString()) || (!name.IsNull() && strings.EqualFold(o.Name, name.ValueString())) {
			matches = append(matches, o)
		}
	}
	switch {
	case len(matches) == 0 && !id.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Organization not found",
			fmt.Sprintf("No organization of the MSSP provider %s has the ID %q.", pid, id.ValueString()))
		return
	case len(matches) == 0:
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Organization not found",
			fmt.Sprintf("No organization of the MSSP provider %s is named %q (ignoring case). Use covalence_orgs with name_contains to search.", pid, name.ValueString()))
		return
	case len(matches) > 1:
		ids := make([]string, len(matches))
		for i, o := range matches {
			ids[i] = o.ID
		}
		sort.Strings(ids)
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Several organizations have that name",
			fmt.Sprintf("%d organizations are named %q (ignoring case): %s. Set id instead.", len(matches), name.ValueString(), strings.Join(ids, ", ")))
		return
	}
	detail, err := d.data.client.Organization(ctx, matches[0].ID)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiag("reading organization "+matches[0].ID, err))
		return
	}
	o := &orgDetail{entry: matches[0], detail: *detail}
	var state tftypes.Value
	var mapErr error
	orgDetailMapping.write(o, tfSink{node: compileType(resp.State.Schema.Type().TerraformType(ctx)), out: &state, err: &mapErr})
	if mapErr != nil {
		resp.Diagnostics.AddError("Internal mapping error", mapErr.Error()+". This is a bug in the provider.")
		return
	}
	resp.State.Raw = state
}
