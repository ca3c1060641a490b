package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// stateSchema is the part of tfsdk.State.Schema used here.
type stateSchema interface {
	TypeAtPath(context.Context, path.Path) (attr.Type, diag.Diagnostics)
}

// buildList builds a list attribute's value through the tftypes sink.
func buildList(ctx context.Context, sch stateSchema, name string, n int, write func(int, sink)) (types.List, diag.Diagnostics) {
	at, diags := sch.TypeAtPath(ctx, path.Root(name))
	if diags.HasError() {
		return types.ListNull(types.StringType), diags
	}
	var v tftypes.Value
	var err error
	tfSink{node: compileType(at.TerraformType(ctx)), out: &v, err: &err}.list(n, write)
	if err != nil {
		diags.AddError("Internal mapping error", fmt.Sprintf("building %s: %v. This is a bug in the provider.", name, err))
		return types.ListNull(types.StringType), diags
	}
	av, err := at.ValueFromTerraform(ctx, v)
	if err != nil {
		diags.AddError("Internal mapping error", fmt.Sprintf("converting %s: %v. This is a bug in the provider.", name, err))
		return types.ListNull(types.StringType), diags
	}
	return av.(types.List), diags
}
