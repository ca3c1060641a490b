package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// field is one attribute of an object: its schema and how an API value of
// type T is written into it. A mapping (a list of fields) is the single
// place where API fields meet attribute names; schemas are derived from it.
type field[T any] struct {
	name   string
	schema schema.Attribute
	write  func(v *T, s sink)
}

type mapping[T any] struct {
	fields []field[T]
	byName map[string]func(*T, sink)
}

func newMapping[T any](fields ...field[T]) mapping[T] {
	m := mapping[T]{fields: fields, byName: make(map[string]func(*T, sink), len(fields))}
	for _, f := range fields {
		m.byName[f.name] = f.write
	}
	return m
}

// attributes derives the schema attributes from the mapping.
func (m mapping[T]) attributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(m.fields))
	for _, f := range m.fields {
		out[f.name] = f.schema
	}
	return out
}

// write writes v as an object; an attribute of the schema with no field is an error.
func (m mapping[T]) write(v *T, s sink) {
	s.object(func(name string, child sink) {
		w, ok := m.byName[name]
		if !ok {
			child.fail("attribute %q has no mapping", name)
			return
		}
		w(v, child)
	})
}

// renamed returns the mapping with some attributes renamed and their schema replaced.
func (m mapping[T]) with(renames map[string]string, schemas map[string]schema.Attribute) mapping[T] {
	fields := make([]field[T], len(m.fields))
	for i, f := range m.fields {
		if to, ok := renames[f.name]; ok {
			f.name = to
		}
		if sc, ok := schemas[f.name]; ok {
			f.schema = sc
		}
		fields[i] = f
	}
	return newMapping(fields...)
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

const rfc3339Note = " RFC 3339 UTC (`2021-05-11T12:58:26Z`), so `timecmp()` and `timeadd()` work on it."

func strField[T any](name, desc string, get func(*T) *string) field[T] {
	return field[T]{name: name, schema: computedString(desc), write: func(v *T, s sink) { strPtr(s, get(v)) }}
}

func timeField[T any](name, desc string, get func(*T) *string) field[T] {
	return field[T]{name: name, schema: computedString(desc + rfc3339Note),
		write: func(v *T, s sink) { strPtr(s, covalence.RFC3339(get(v))) }}
}

var aroOrgMapping = newMapping(
	strField("id", "Organization ID.", func(o *covalence.AROOrganization) *string { return o.ID }),
	strField("name", "Organization name.", func(o *covalence.AROOrganization) *string { return o.Name }),
	strField("email", "Organization contact email; null when the portal has none.", func(o *covalence.AROOrganization) *string { return o.Email }),
)

var stepMapping = newMapping(
	strField("id", "Step ID.", func(st *covalence.Step) *string { return st.ID }),
	field[covalence.Step]{name: "completed",
		schema: schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the step is done."},
		write:  func(st *covalence.Step, s sink) { boolPtr(s, st.Completed) }},
	strField("label", "What to do.", func(st *covalence.Step) *string { return st.Label }),
	timeField("last_updated_time", "When the step last changed.", func(st *covalence.Step) *string { return st.LastUpdatedTime }),
)

// aroMapping maps an ARO to the attributes of an element of covalence_aros.aros
// (and, renamed, to the top level of covalence_aro).
var aroMapping = newMapping(
	strField("id", "ARO ID (UUID).", func(a *covalence.ARO) *string { return &a.ID }),
	strField("alert_key", "Key of the underlying alert.", func(a *covalence.ARO) *string { return a.AlertKey }),
	strField("analyst_notes", "Notes from Field Effect's analysts.", func(a *covalence.ARO) *string { return a.AnalystNotes }),
	field[covalence.ARO]{name: "count",
		schema: schema.Int64Attribute{Computed: true, MarkdownDescription: "How many times the underlying alert fired."},
		write: func(a *covalence.ARO, s sink) {
			if a.Count == nil {
				s.null()
				return
			}
			s.int(int64(*a.Count))
		}},
	timeField("creation_time", "When the ARO was created.", func(a *covalence.ARO) *string { return a.CreationTime }),
	strField("details", "Plain-text details (can be several KB); null when `include_details = false`.", func(a *covalence.ARO) *string { return a.Details }),
	strField("details_markdown", "Details as Markdown; null when `include_details = false`.", func(a *covalence.ARO) *string { return a.DetailsMarkdown }),
	strField("display_url", "Link to the ARO in the portal.", func(a *covalence.ARO) *string { return a.DisplayURL }),
	strField("external_bug_id", "ID in an external ticketing system.", func(a *covalence.ARO) *string { return a.ExternalBugID }),
	timeField("last_updated_time", "When the ARO last changed.", func(a *covalence.ARO) *string { return a.LastUpdatedTime }),
	strField("notes", "Notes.", func(a *covalence.ARO) *string { return a.Notes }),
	field[covalence.ARO]{name: "organization",
		schema: schema.SingleNestedAttribute{Computed: true,
			MarkdownDescription: "The organization the ARO belongs to; null when the portal gives none.",
			Attributes:          aroOrgMapping.attributes()},
		write: func(a *covalence.ARO, s sink) {
			if a.Organization == nil {
				s.null()
				return
			}
			aroOrgMapping.write(a.Organization, s)
		}},
	field[covalence.ARO]{name: "references",
		schema: schema.ListAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "References (links, advisories)."},
		write: func(a *covalence.ARO, s sink) {
			if a.References == nil {
				s.null()
				return
			}
			s.list(len(a.References), func(i int, e sink) { e.str(a.References[i]) })
		}},
	strField("resolution", "`Unresolved`, `Resolved`, `Help Requested` or `Dismissed`.", func(a *covalence.ARO) *string { return a.Resolution }),
	field[covalence.ARO]{name: "serial_id",
		schema: computedString("Short human number of the ARO, e.g. `\"11\"`."),
		write: func(a *covalence.ARO, s sink) {
			if a.SerialID == nil {
				s.null()
				return
			}
			s.str(string(*a.SerialID))
		}},
	strField("severity", "`Informational`, `Warning`, `Low`, `Medium`, `High` or `Critical`.", func(a *covalence.ARO) *string { return a.Severity }),
	strField("status", "`In Triage`, `Open` or `Closed`.", func(a *covalence.ARO) *string { return a.Status }),
	field[covalence.ARO]{name: "steps",
		schema: schema.ListNestedAttribute{Computed: true,
			MarkdownDescription: "Mitigation steps, in the portal's order.",
			NestedObject:        schema.NestedAttributeObject{Attributes: stepMapping.attributes()}},
		write: func(a *covalence.ARO, s sink) {
			if a.Steps == nil {
				s.null()
				return
			}
			s.list(len(a.Steps), func(i int, e sink) { stepMapping.write(&a.Steps[i], e) })
		}},
	strField("template_id", "ID of the template the ARO was made from.", func(a *covalence.ARO) *string { return a.TemplateID }),
	strField("title", "Title.", func(a *covalence.ARO) *string { return a.Title }),
	strField("triage_id", "Triage ID.", func(a *covalence.ARO) *string { return a.TriageID }),
	strField("type", "`Action`, `Recommendation` or `Observation`.", func(a *covalence.ARO) *string { return a.Type }),
)
