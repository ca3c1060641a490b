package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

// A mapping is the single place where API fields meet attribute names: a
// list of fields, each an attribute's schema and how an API value of type T
// is written into it. Schemas are derived from it, and both encoders
// (fastread.Value for the framework path, fastread.Items for the fast path)
// write through it, so the two cannot disagree.
//
// The kinds are checked by the compiler: each field constructor ties its
// schema attribute's type to the Go type of its getter (strField takes a
// func returning *string and makes a StringAttribute, and so on). The rest is
// checked once when the provider starts: a schema replaced with withSchema
// must keep its type, and names are unique.
//
// To add an ARO attribute: its field in covalence.ARO, one line in
// aroMapping below, the field in mockportal.ARO and a value for it in
// mockportal/generate.go, then make docs and its row in CONTRACT.md. The
// bare fetch (cmd/benchfetch) and the live check (livecheck) derive their
// fields from covalence.ARO; only an enumerated field's values or a field
// holding personal data need a path in aroValues or aroPrivate
// (livecheck/shapes.go). Tests name what is left out of the code:
// TestAROMappingReachesEveryField (this mapping), TestAROFieldsAreTheContract
// (the mock), TestGenerateSetsEveryField (the mock's generator).
type field[T any] struct {
	name   string
	schema schema.Attribute
	write  func(v *T, w fastread.Writer)
	// A nested field's parts: the names its objects' mapping accepts
	// (parts), and the field with only some of them (project). Both are
	// nil for other fields.
	parts   []string
	project func(parts []string) (field[T], error)
}

// mapping is a list of fields sorted by name: the order fastread.Writer's
// Object visits attributes in.
type mapping[T any] struct {
	fields []field[T]
}

func newMapping[T any](fields ...field[T]) mapping[T] {
	fields = append([]field[T](nil), fields...)
	sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	for i := 1; i < len(fields); i++ {
		if fields[i].name == fields[i-1].name {
			panic(fmt.Sprintf("mapping: attribute %q is mapped twice", fields[i].name))
		}
	}
	return mapping[T]{fields: fields}
}

// attributes derives the schema attributes from the mapping.
func (m mapping[T]) attributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(m.fields))
	for _, f := range m.fields {
		out[f.name] = f.schema
	}
	return out
}

// objectType is the tftypes object type the mapping writes.
func (m mapping[T]) objectType() tftypes.Object {
	at := make(map[string]tftypes.Type, len(m.fields))
	for _, f := range m.fields {
		at[f.name] = f.schema.GetType().TerraformType(context.Background())
	}
	return tftypes.Object{AttributeTypes: at}
}

// fits reports whether t is the type the mapping writes (its attributes in
// the same name order, at every depth). The schemas derived from a mapping
// always fit; a test checks every data source.
func (m mapping[T]) fits(t *fastread.Type) error {
	if want := m.objectType(); !t.TerraformType().Equal(want) {
		return fmt.Errorf("the schema type %s is not the mapping's %s", t.TerraformType(), want)
	}
	return nil
}

// write writes v as an object of the mapping's type.
func (m mapping[T]) write(v *T, w fastread.Writer) {
	w.Object(func(i int, w fastread.Writer) {
		if i >= len(m.fields) {
			w.Fail("the schema has more attributes than the mapping")
			return
		}
		m.fields[i].write(v, w)
	})
}

// renamed returns the mapping with the attribute from renamed to to.
func (m mapping[T]) renamed(from, to string) mapping[T] {
	fields := append([]field[T](nil), m.fields...)
	i := m.index(from)
	fields[i].name = to
	return newMapping(fields...)
}

// withSchema returns the mapping with an attribute's schema replaced (to make
// it required, say). The replacement must have the same type.
func (m mapping[T]) withSchema(name string, sc schema.Attribute) mapping[T] {
	fields := append([]field[T](nil), m.fields...)
	i := m.index(name)
	if !sc.GetType().Equal(fields[i].schema.GetType()) {
		panic(fmt.Sprintf("mapping: the new schema of %q has type %s, not %s", name, sc.GetType(), fields[i].schema.GetType()))
	}
	fields[i].schema = sc
	return mapping[T]{fields: fields}
}

// fieldNames are the names project accepts, sorted: each attribute, and
// each part of a nested one as attribute.part (organization.name).
func (m mapping[T]) fieldNames() []string {
	var out []string
	for _, f := range m.fields {
		out = append(out, f.name)
		for _, p := range f.parts {
			out = append(out, f.name+"."+p)
		}
	}
	sort.Strings(out)
	return out
}

// project returns the mapping with only the named attributes, in the form
// fieldNames gives them: a nested attribute named alone keeps every part,
// named by its parts (organization.name, steps.label) only those. An
// unknown, empty or repeated name is an error, and so is a name beside one
// of its own parts (organization with organization.name), which says the
// same thing twice.
func (m mapping[T]) project(names []string) (mapping[T], error) {
	valid := m.fieldNames()
	if len(names) == 0 {
		return mapping[T]{}, fmt.Errorf("no field is named; the valid names are %s", strings.Join(valid, ", "))
	}
	named := make(map[string]bool, len(names))
	for _, n := range names {
		switch {
		case n == "":
			return mapping[T]{}, fmt.Errorf("a field name is empty; the valid names are %s", strings.Join(valid, ", "))
		case named[n]:
			return mapping[T]{}, fmt.Errorf("the field %q is named twice", n)
		}
		if i := sort.SearchStrings(valid, n); i == len(valid) || valid[i] != n {
			return mapping[T]{}, fmt.Errorf("%q is not a field of an ARO; the valid names are %s", n, strings.Join(valid, ", "))
		}
		named[n] = true
	}
	parts := map[string][]string{}
	for _, n := range names {
		if top, part, ok := strings.Cut(n, "."); ok {
			if named[top] {
				return mapping[T]{}, fmt.Errorf("%q and %q are both named: %q already holds every part of %q", top, n, top, top)
			}
			parts[top] = append(parts[top], part)
		}
	}
	var fields []field[T]
	for _, f := range m.fields {
		switch {
		case named[f.name]:
			fields = append(fields, f)
		case parts[f.name] != nil:
			pf, err := f.project(parts[f.name])
			if err != nil {
				return mapping[T]{}, fmt.Errorf("%s: %w", f.name, err)
			}
			pf.name = f.name
			fields = append(fields, pf)
		}
	}
	return newMapping(fields...), nil
}

func (m mapping[T]) index(name string) int {
	for i, f := range m.fields {
		if f.name == name {
			return i
		}
	}
	panic(fmt.Sprintf("mapping: no attribute %q", name))
}

// ---- field constructors: one per kind of attribute ---------------------------

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

const rfc3339Note = " RFC 3339 UTC (`2021-05-11T12:58:26Z`), so `timecmp()` and `timeadd()` work on it."

func writeString(w fastread.Writer, v *string) {
	if v == nil {
		w.Null()
		return
	}
	w.String(*v)
}

// strField is a string attribute; a nil value is null.
func strField[T any](name, desc string, get func(*T) *string) field[T] {
	return field[T]{name: name, schema: computedString(desc), write: func(v *T, w fastread.Writer) { writeString(w, get(v)) }}
}

// timeField is a portal timestamp, written in RFC 3339 UTC.
func timeField[T any](name, desc string, get func(*T) *string) field[T] {
	return field[T]{name: name, schema: computedString(desc + rfc3339Note),
		write: func(v *T, w fastread.Writer) { writeString(w, covalence.RFC3339(get(v))) }}
}

// boolField is a bool attribute; a nil value is null.
func boolField[T any](name, desc string, get func(*T) *bool) field[T] {
	return field[T]{name: name, schema: schema.BoolAttribute{Computed: true, MarkdownDescription: desc},
		write: func(v *T, w fastread.Writer) {
			if b := get(v); b != nil {
				w.Bool(*b)
				return
			}
			w.Null()
		}}
}

// int64Field is a whole-number attribute; a nil value is null.
func int64Field[T any, N ~int64](name, desc string, get func(*T) *N) field[T] {
	return field[T]{name: name, schema: schema.Int64Attribute{Computed: true, MarkdownDescription: desc},
		write: func(v *T, w fastread.Writer) {
			if n := get(v); n != nil {
				w.Int64(int64(*n))
				return
			}
			w.Null()
		}}
}

// stringListField is a list of strings; a nil slice is null, an empty one [].
func stringListField[T any](name, desc string, get func(*T) []string) field[T] {
	return field[T]{name: name, schema: schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc},
		write: func(v *T, w fastread.Writer) {
			l := get(v)
			if l == nil {
				w.Null()
				return
			}
			w.List(len(l), func(i int, e fastread.Writer) { e.String(l[i]) })
		}}
}

// nestedField is a nested object written by m; a nil value is null.
func nestedField[T, U any](name, desc string, m mapping[U], get func(*T) *U) field[T] {
	return field[T]{name: name, schema: schema.SingleNestedAttribute{Computed: true, MarkdownDescription: desc, Attributes: m.attributes()},
		write: func(v *T, w fastread.Writer) {
			if u := get(v); u != nil {
				m.write(u, w)
				return
			}
			w.Null()
		},
		parts: m.fieldNames(),
		project: func(parts []string) (field[T], error) {
			pm, err := m.project(parts)
			return nestedField(name, desc, pm, get), err
		}}
}

// nestedListField is a list of nested objects written by m; a nil slice is null.
func nestedListField[T, U any](name, desc string, m mapping[U], get func(*T) []U) field[T] {
	return field[T]{name: name,
		schema: schema.ListNestedAttribute{Computed: true, MarkdownDescription: desc,
			NestedObject: schema.NestedAttributeObject{Attributes: m.attributes()}},
		write: func(v *T, w fastread.Writer) {
			l := get(v)
			if l == nil {
				w.Null()
				return
			}
			w.List(len(l), func(i int, e fastread.Writer) { m.write(&l[i], e) })
		},
		parts: m.fieldNames(),
		project: func(parts []string) (field[T], error) {
			pm, err := m.project(parts)
			return nestedListField(name, desc, pm, get), err
		}}
}

// ---- the ARO -----------------------------------------------------------------

var aroOrgMapping = newMapping(
	strField("id", "Organization ID.", func(o *covalence.AROOrganization) *string { return o.ID }),
	strField("name", "Organization name.", func(o *covalence.AROOrganization) *string { return o.Name }),
	strField("email", "Organization contact email; null when the portal has none.", func(o *covalence.AROOrganization) *string { return o.Email }),
)

var stepMapping = newMapping(
	strField("id", "Step ID.", func(st *covalence.Step) *string { return st.ID }),
	boolField("completed", "Whether the step is done.", func(st *covalence.Step) *bool { return st.Completed }),
	strField("label", "What to do.", func(st *covalence.Step) *string { return st.Label }),
	timeField("last_updated_time", "When the step last changed.", func(st *covalence.Step) *string { return st.LastUpdatedTime }),
)

// aroMapping maps an ARO to the attributes of an element of covalence_aros.aros
// (and, with id required and count renamed, to the top level of covalence_aro).
var aroMapping = newMapping(
	strField("id", "ARO ID (UUID).", func(a *covalence.ARO) *string { return &a.ID }),
	strField("alert_key", "Key of the underlying alert.", func(a *covalence.ARO) *string { return a.AlertKey }),
	strField("analyst_notes", "Notes from Field Effect's analysts.", func(a *covalence.ARO) *string { return a.AnalystNotes }),
	int64Field("count", "How many times the underlying alert fired.", func(a *covalence.ARO) *covalence.Count { return a.Count }),
	timeField("creation_time", "When the ARO was created.", func(a *covalence.ARO) *string { return a.CreationTime }),
	strField("details", "Plain-text details (can be several KB); null when `include_details = false`.", func(a *covalence.ARO) *string { return a.Details }),
	strField("details_markdown", "Details as Markdown; null when `include_details = false`.", func(a *covalence.ARO) *string { return a.DetailsMarkdown }),
	strField("display_url", "Link to the ARO in the portal.", func(a *covalence.ARO) *string { return a.DisplayURL }),
	strField("external_bug_id", "ID in an external ticketing system.", func(a *covalence.ARO) *string { return a.ExternalBugID }),
	timeField("last_updated_time", "When the ARO last changed.", func(a *covalence.ARO) *string { return a.LastUpdatedTime }),
	strField("notes", "Notes.", func(a *covalence.ARO) *string { return a.Notes }),
	nestedField("organization", "The organization the ARO belongs to; null when the portal gives none.",
		aroOrgMapping, func(a *covalence.ARO) *covalence.AROOrganization { return a.Organization }),
	stringListField("references", "References (links, advisories).", func(a *covalence.ARO) []string { return a.References }),
	strField("resolution", "`Unresolved`, `Resolved`, `Help Requested` or `Dismissed`.", func(a *covalence.ARO) *string { return a.Resolution }),
	strField("serial_id", "Short human number of the ARO, e.g. `\"11\"`.", func(a *covalence.ARO) *string { return (*string)(a.SerialID) }),
	strField("severity", "`Informational`, `Warning`, `Low`, `Medium`, `High` or `Critical`.", func(a *covalence.ARO) *string { return a.Severity }),
	strField("status", "`In Triage`, `Open` or `Closed`.", func(a *covalence.ARO) *string { return a.Status }),
	nestedListField("steps", "Mitigation steps, in the portal's order.", stepMapping, func(a *covalence.ARO) []covalence.Step { return a.Steps }),
	strField("template_id", "ID of the template the ARO was made from.", func(a *covalence.ARO) *string { return a.TemplateID }),
	strField("title", "Title.", func(a *covalence.ARO) *string { return a.Title }),
	strField("triage_id", "Triage ID.", func(a *covalence.ARO) *string { return a.TriageID }),
	strField("type", "`Action`, `Recommendation` or `Observation`.", func(a *covalence.ARO) *string { return a.Type }),
)
