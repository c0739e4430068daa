package provider

import (
	"fmt"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platforms"
)

// The documentation of every attribute is written from the platforms' Specs, so that what a
// platform does is stated once, next to its client, and a new platform documents itself.

// platformsDoc says which platforms use a field and how.
func platformsDoc(f platform.Field) string {
	var parts []string
	for _, spec := range platforms.Specs() {
		fs, ok := spec.Fields[f]
		if !ok {
			continue
		}
		s := fmt.Sprintf("%s (`%s`", spec.Name, fs.Wire)
		if fs.Required {
			s += ", required"
		}
		if fs.Replace {
			s += ", changing it forces replacement"
		}
		if fs.Doc != "" {
			s += "; " + fs.Doc
		}
		parts = append(parts, s+")")
	}
	return "Used by " + strings.Join(parts, "; ") + ". Setting it on another platform is a plan-time error."
}

// filledOn says which platforms fill a canonical field, for the data sources.
func filledOn(f platform.Field) string {
	var names []string
	for _, spec := range platforms.Specs() {
		if fs, ok := spec.Fields[f]; ok {
			names = append(names, fmt.Sprintf("%s (`%s`)", spec.Name, fs.Wire))
		}
	}
	return "Filled on " + strings.Join(names, ", ") + "; null on other platforms."
}

// computedDoc says which platforms fill a computed attribute, and under which wire name.
func computedDoc(attr string) string {
	var names []string
	for _, spec := range platforms.Specs() {
		if wire, ok := spec.Computed[platform.Field(attr)]; ok {
			names = append(names, fmt.Sprintf("%s (`%s`)", spec.Name, wire))
		}
	}
	return "Filled on " + strings.Join(names, ", ") + "; null on other platforms."
}

// idDoc says what each platform's record id is.
func idDoc() string {
	var parts []string
	for _, spec := range platforms.Specs() {
		parts = append(parts, fmt.Sprintf("%s %s", spec.Name, spec.IDDoc))
	}
	return "The platform's id of the record: " + strings.Join(parts, ", ") + "."
}

// nameDoc says how each platform with names keeps them unique, and which have none.
func nameDoc() string {
	var parts, without []string
	for _, spec := range platforms.Specs() {
		switch {
		case !spec.Supports(platform.FieldName):
			without = append(without, string(spec.Name))
		case spec.NameDoc != "":
			parts = append(parts, fmt.Sprintf("on %s %s", spec.Name, spec.NameDoc))
		}
	}
	doc := "Names are " + strings.Join(parts, ", ") + "."
	if len(without) > 0 {
		doc += " " + strings.Join(without, " and ") + " has no names."
	}
	return doc
}

// nameComparisonDoc says how each platform compares names in a lookup.
func nameComparisonDoc() string {
	var folded, exact, without []string
	for _, spec := range platforms.Specs() {
		switch {
		case !spec.Supports(platform.FieldName):
			without = append(without, string(spec.Name))
		case spec.Fields[platform.FieldName].FoldCase:
			folded = append(folded, string(spec.Name))
		default:
			exact = append(exact, fmt.Sprintf("%s (`%s`)", spec.Name, spec.Fields[platform.FieldName].Wire))
		}
	}
	return fmt.Sprintf("compared case-insensitively on %s and exactly on %s; %s has no names", strings.Join(folded, ", "),
		strings.Join(exact, ", "), strings.Join(without, ", "))
}

// modelProviderDoc states each platform's own rules for model_provider.
func modelProviderDoc() string {
	var parts []string
	for _, spec := range platforms.Specs() {
		if spec.ModelProviderDoc != "" {
			parts = append(parts, spec.ModelProviderDoc)
		}
	}
	return strings.Join(parts, "; ")
}

// endpointDoc lists each platform's default endpoint, or what its endpoint looks like.
func endpointDoc() string {
	var defaults, none []string
	for _, spec := range platforms.Specs() {
		if spec.DefaultEndpoint != "" {
			s := fmt.Sprintf("%s `%s`", spec.Name, spec.DefaultEndpoint)
			if spec.EndpointDoc != "" {
				s += " (" + spec.EndpointDoc + ")"
			}
			defaults = append(defaults, s)
		} else {
			none = append(none, fmt.Sprintf("%s has no default (`%s`)", spec.Name, spec.EndpointExample))
		}
	}
	return "Defaults: " + strings.Join(defaults, ", ") + "; " + strings.Join(none, "; ") + "."
}

// apiVersionDoc lists the platforms with several API generations, their names and what tells
// them apart.
func apiVersionDoc() string {
	var parts []string
	for _, spec := range platforms.Specs() {
		if len(spec.APIVersions) == 0 {
			continue
		}
		var versions []string
		for i, v := range spec.APIVersions {
			def := ""
			if i == 0 {
				def = ", the default"
			}
			versions = append(versions, fmt.Sprintf("`%s` (%s%s)", v.Name, v.Doc, def))
		}
		parts = append(parts, fmt.Sprintf("%s: %s", spec.Name, strings.Join(versions, "; ")))
	}
	return strings.Join(parts, ". ") + ". Other platforms have one and refuse the attribute."
}

// platformList is the platform names as `a`, `b`, `c` or `d`.
func platformList() string {
	names := platforms.NameStrings()
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// platformTitle is the platform's name capitalised, for Title Case diagnostic summaries.
func platformTitle(spec platform.Spec) string {
	return strings.ToUpper(string(spec.Name[:1])) + string(spec.Name[1:])
}
