package provider

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

var (
	_ datasource.DataSource                     = (*orgDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*orgDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*orgDataSource)(nil)
)

// orgDetailModel is covalence_org: the list entry's attributes (orgModel,
// shared with covalence_orgs) and the detail's.
type orgDetailModel struct {
	orgModel
	ClientID             types.String   `tfsdk:"client_id"`
	Status               types.String   `tfsdk:"status"`
	LicenseType          types.String   `tfsdk:"license_type"`
	ServiceTier          types.String   `tfsdk:"service_tier"`
	IsTrial              types.Bool     `tfsdk:"is_trial"`
	DefaultLocale        types.String   `tfsdk:"default_locale"`
	Industry             types.String   `tfsdk:"industry"`
	CreatedTime          types.String   `tfsdk:"created_time"`
	LastUpdatedTime      types.String   `tfsdk:"last_updated_time"`
	ActiveResponsePolicy types.String   `tfsdk:"active_response_policy"`
	Contacts             []contactModel `tfsdk:"contacts"` // nil: null
}

type contactModel struct {
	ID          types.String `tfsdk:"id"`
	Type        types.String `tfsdk:"type"`
	Email       types.String `tfsdk:"email"`
	FirstName   types.String `tfsdk:"first_name"`
	LastName    types.String `tfsdk:"last_name"`
	PhoneNumber types.String `tfsdk:"phone_number"`
}

// newOrgDetailModel is the one mapping of an organization's detail to
// attributes. A nil d (no detail read) leaves the detail attributes null.
func newOrgDetailModel(entry covalence.Organization, d *covalence.OrganizationDetail) orgDetailModel {
	if d == nil {
		return orgDetailModel{orgModel: newOrgModel(entry)}
	}
	profile := d.Profile
	if profile == nil {
		profile = &covalence.OrganizationProfile{}
	}
	m := orgDetailModel{
		orgModel:             newOrgModel(entry),
		ClientID:             types.StringPointerValue(d.ClientID),
		Status:               types.StringPointerValue(d.Status),
		LicenseType:          types.StringPointerValue(d.LicenseType),
		ServiceTier:          types.StringPointerValue(d.ServiceTier),
		IsTrial:              types.BoolPointerValue(d.IsTrial),
		DefaultLocale:        types.StringPointerValue(profile.DefaultLocale),
		Industry:             types.StringPointerValue(profile.Industry),
		CreatedTime:          types.StringPointerValue(covalence.RFC3339(d.CreatedTime)),
		LastUpdatedTime:      types.StringPointerValue(covalence.RFC3339(d.LastUpdatedTime)),
		ActiveResponsePolicy: types.StringNull(),
	}
	if d.ActiveResponseProfile != nil {
		m.ActiveResponsePolicy = types.StringPointerValue(d.ActiveResponseProfile.ResponsePolicy)
	}
	if d.Contacts != nil {
		m.Contacts = make([]contactModel, len(d.Contacts))
		for i, c := range d.Contacts {
			m.Contacts[i] = newContactModel(c)
		}
	}
	return m
}

// newContactModel takes a contact's personal fields from its portal user
// when it has one, else from its contact_info.
func newContactModel(c covalence.Contact) contactModel {
	p := c.Person()
	if p == nil {
		p = &covalence.ContactPerson{}
	}
	return contactModel{
		ID:          types.StringPointerValue(c.ID),
		Type:        types.StringPointerValue(c.Type),
		Email:       types.StringPointerValue(p.Email),
		FirstName:   types.StringPointerValue(p.FirstName),
		LastName:    types.StringPointerValue(p.LastName),
		PhoneNumber: types.StringPointerValue(p.PhoneNumber),
	}
}

// orgDetailAttributes are the attributes orgDetailModel adds to orgModel:
// covalence_org's, and those of an element of covalence_orgs.orgs read with
// include_details.
func orgDetailAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for name, desc := range orgDetailDescriptions {
		attrs[name] = computedString(desc)
	}
	attrs["is_trial"] = schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the organization is on a trial."}
	attrs["contacts"] = schema.ListNestedAttribute{Computed: true,
		MarkdownDescription: "Key contacts, in the portal's order. Each contact's personal fields come from its portal user when it has one, else from its contact information.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"id":           computedString("Contact ID."),
			"type":         computedString("Role of the contact, e.g. `Administrative`, `Billing`, `Technical - Primary`."),
			"email":        computedString("Email."),
			"first_name":   computedString("First name."),
			"last_name":    computedString("Last name."),
			"phone_number": computedString("Phone number."),
		}}}
	return attrs
}

// orgDetailDescriptions describe the string attributes of the detail.
var orgDetailDescriptions = map[string]string{
	"client_id":              "Field Effect's client number, e.g. `2022-1234-ABC`.",
	"status":                 "Account status, e.g. `active`.",
	"license_type":           "License, e.g. `Covalence Complete`.",
	"service_tier":           "Service tier, e.g. `Complete`.",
	"default_locale":         "Default language of the organization (`profile.default_locale`), e.g. `en-CA`.",
	"industry":               "Industry (`profile.industry`).",
	"created_time":           "When the organization was created." + rfc3339Note,
	"last_updated_time":      "When the organization last changed." + rfc3339Note,
	"active_response_policy": "Active response policy (`active_response_profile.response_policy`), e.g. `Off`.",
}

func orgDetailSchema() schema.Schema {
	attrs := orgAttributes()
	attrs["id"] = schema.StringAttribute{Optional: true, Computed: true,
		MarkdownDescription: "ID of the organization. Exactly one of `id` and `name` must be set.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}}
	attrs["name"] = schema.StringAttribute{Optional: true, Computed: true,
		MarkdownDescription: "Exact name of the organization, ignoring case. Several organizations with that name, or none, are an error. Exactly one of `id` and `name` must be set.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}}
	maps.Copy(attrs, orgDetailAttributes())
	return schema.Schema{
		MarkdownDescription: "Reads one organization of the MSSP provider, by ID or exact name, with its detail: licence, service tier, " +
			"default language, active response policy and key contacts. Fields the portal leaves out or nulls are null.",
		Attributes: attrs,
	}
}

type orgDataSource struct{ dataSourceBase }

func newOrgDataSource() datasource.DataSource { return &orgDataSource{} }

func (d *orgDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org"
}

func (d *orgDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = orgDetailSchema()
}

func (d *orgDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *orgDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.Append(notConfigured())
		return
	}
	var m orgDetailModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, name := m.ID, m.Name
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
	m = newOrgDetailModel(matches[0], detail)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
