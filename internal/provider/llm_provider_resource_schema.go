package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// The resource's schema is derived from the field table (platform.Fields): each field is an
// attribute of its kind, optional, computed where the platform picks a default, sensitive where
// the table says so, validated by its Check, described by its Doc and by the platforms' Specs. A
// secret adds its write-only twin and that twin's version.

// attributeFields maps each configurable attribute to the canonical field it stands for, so n/a
// checks treat `api_key_wo` and `api_key_wo_version` like `api_key`.
var attributeFields = func() map[string]platform.Field {
	out := map[string]platform.Field{}
	for _, a := range resourceAttributes {
		if !a.Def.Output {
			out[a.Name] = a.Def.Field
		}
	}
	return out
}()

// specDocs adds to a field's Doc what the platforms' Specs say of it beyond their wire names.
var specDocs = map[platform.Field]func() string{
	platform.FieldName:          nameDoc,
	platform.FieldModelProvider: func() string { return modelProviderDoc() + "." },
}

func (r *llmProviderResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: idDoc() + " Used to import.",
			Computed:            true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
	for _, a := range resourceAttributes {
		attrs[a.Name] = resourceAttribute(a)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One platform record that configures one model provider (an upstream vendor such as OpenAI): its API key, " +
			"base URL, enabled flag and settings. The same schema serves all four platforms; attributes a platform does not have are " +
			"refused at plan time. Updates send only the fields that changed.",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// resourceAttribute is the schema attribute of one table attribute.
func resourceAttribute(a tableAttribute) schema.Attribute {
	def, f := a.Def, a.Def.Field
	switch a.Role {
	case roleWriteOnly:
		doc := fmt.Sprintf("%s, write-only: never stored in plan or state (Terraform >= 1.11 or OpenTofu >= 1.11). Sent on create and "+
			"whenever `%s_wo_version` changes, never otherwise. Requires `%s_wo_version`; conflicts with `%s`. %s", def.Doc, f, f, f, platformsDoc(f))
		also := path.MatchRoot(string(f) + "_wo_version")
		if def.Kind == platform.KindStringMap {
			return schema.MapAttribute{MarkdownDescription: doc, ElementType: types.StringType, Optional: true, Sensitive: true, WriteOnly: true,
				Validators: []validator.Map{mapvalidator.AlsoRequires(also)}}
		}
		return schema.StringAttribute{MarkdownDescription: doc, Optional: true, Sensitive: true, WriteOnly: true,
			Validators: append([]validator.String{stringvalidator.AlsoRequires(also)}, stringValidators(def.Check)...)}
	case roleWriteOnlyVersion:
		return schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Any string (a number, a date, a hash) that you change to send `%s_wo` again, e.g. to rotate it. Requires `%s_wo`.", f, f),
			Optional:            true,
			Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot(string(f) + "_wo"))},
		}
	}
	doc := def.Doc
	switch {
	case def.Output:
		doc += " " + computedDoc(string(f))
	case def.Secret:
		doc = fmt.Sprintf("%s, kept in state (sensitive). Sent on create and whenever it changes; never read back from the platform, "+
			"so an out-of-band change cannot be seen. Conflicts with `%s_wo`. %s", doc, f, platformsDoc(f))
	default:
		if extra, ok := specDocs[f]; ok {
			doc += " " + extra()
		}
		doc += " " + platformsDoc(f)
	}
	optional, computed := !def.Output, def.Output || def.PlatformDefault
	switch def.Kind {
	case platform.KindBool:
		a := schema.BoolAttribute{MarkdownDescription: doc, Optional: optional, Computed: computed, Sensitive: def.Sensitive}
		if computed {
			a.PlanModifiers = []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
		}
		return a
	case platform.KindInt64:
		a := schema.Int64Attribute{MarkdownDescription: doc, Optional: optional, Computed: computed, Sensitive: def.Sensitive}
		if def.Check.Max != 0 {
			a.Validators = []validator.Int64{int64validator.Between(def.Check.Min, def.Check.Max)}
		}
		return a
	case platform.KindStringList:
		a := schema.ListAttribute{MarkdownDescription: doc, ElementType: types.StringType, Optional: optional, Computed: computed, Sensitive: def.Sensitive,
			Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()}}
		if def.Check.MinLen > 0 {
			a.Validators = append(a.Validators, listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(def.Check.MinLen)))
		}
		return a
	case platform.KindStringMap:
		a := schema.MapAttribute{MarkdownDescription: doc, ElementType: types.StringType, Optional: optional, Computed: computed, Sensitive: def.Sensitive}
		if def.Secret {
			a.Validators = []validator.Map{mapvalidator.ConflictsWith(path.MatchRoot(string(f) + "_wo"))}
		}
		return a
	}
	s := schema.StringAttribute{MarkdownDescription: doc, Optional: optional, Computed: computed, Sensitive: def.Sensitive,
		Validators: stringValidators(def.Check)}
	if def.Secret {
		s.Validators = append([]validator.String{stringvalidator.ConflictsWith(path.MatchRoot(string(f) + "_wo"))}, s.Validators...)
	}
	if computed {
		s.PlanModifiers = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	}
	return s
}

// stringValidators are the plan-time checks of a string field's Check.
func stringValidators(c platform.Check) []validator.String {
	var out []validator.String
	switch {
	case len(c.OneOf) > 0:
		out = append(out, stringvalidator.OneOf(c.OneOf...))
	case c.MaxLen > 0:
		out = append(out, stringvalidator.LengthBetween(max(c.MinLen, 1), c.MaxLen))
	case c.MinLen > 0:
		out = append(out, stringvalidator.LengthAtLeast(c.MinLen))
	}
	switch c.Format {
	case platform.FormatHTTPURL:
		out = append(out, httpURLValidator{})
	case platform.FormatUUID:
		out = append(out, stringvalidator.RegexMatches(uuidRegexp, "must be a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a"))
	case platform.FormatJSONObject:
		out = append(out, jsonObjectValidator{})
	}
	return out
}
