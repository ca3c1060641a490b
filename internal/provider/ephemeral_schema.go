package provider

import (
	"fmt"
	"maps"
	"slices"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

// ephemeralAttributes are data source attributes as the attributes of an
// ephemeral resource, for an ephemeral resource that returns what a data
// source does: its schema then has one definition, descriptions and
// validators included. The framework's two attribute kinds have the same
// fields; a kind this provider does not use is an error (caught by the
// schema's tests), never dropped.
func ephemeralAttributes(in map[string]dsschema.Attribute) (map[string]schema.Attribute, error) {
	out := make(map[string]schema.Attribute, len(in))
	for _, name := range slices.Sorted(maps.Keys(in)) {
		a, err := ephemeralAttribute(in[name])
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		out[name] = a
	}
	return out, nil
}

func ephemeralAttribute(a dsschema.Attribute) (schema.Attribute, error) {
	switch a := a.(type) {
	case dsschema.StringAttribute:
		return schema.StringAttribute(a), nil
	case dsschema.Int64Attribute:
		return schema.Int64Attribute(a), nil
	case dsschema.MapAttribute:
		return schema.MapAttribute(a), nil
	case dsschema.SingleNestedAttribute:
		attrs, err := ephemeralAttributes(a.Attributes)
		if err != nil {
			return nil, err
		}
		return schema.SingleNestedAttribute{
			Attributes: attrs, CustomType: a.CustomType,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
			Description: a.Description, MarkdownDescription: a.MarkdownDescription,
			DeprecationMessage: a.DeprecationMessage, Validators: a.Validators,
		}, nil
	default:
		return nil, fmt.Errorf("a %T has no ephemeral counterpart here", a)
	}
}
