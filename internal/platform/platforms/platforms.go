// Package platforms is the list of supported platforms: the one place that names them all. A
// new platform adds its package and one line here; nothing else changes.
package platforms

import (
	"fmt"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// entry pairs a platform's Spec with the constructor of its client.
type entry struct {
	spec platform.Spec
	new  func(platform.HTTPConfig) (platform.Client, error)
}

// all lists the platforms in documentation order.
var all = []entry{
	{refactor.Spec, func(cfg platform.HTTPConfig) (platform.Client, error) { return refactor.New(cfg) }},
	{flashback.Spec, func(cfg platform.HTTPConfig) (platform.Client, error) { return flashback.New(cfg) }},
	{barndoor.Spec, func(cfg platform.HTTPConfig) (platform.Client, error) { return barndoor.New(cfg) }},
	{keywordsai.Spec, func(cfg platform.HTTPConfig) (platform.Client, error) { return keywordsai.New(cfg) }},
}

// Specs returns every platform's Spec in documentation order.
func Specs() []platform.Spec {
	out := make([]platform.Spec, len(all))
	for i, e := range all {
		out[i] = e.spec
	}
	return out
}

// NameStrings lists the platform names as strings, for validators and messages.
func NameStrings() []string {
	out := make([]string, len(all))
	for i, e := range all {
		out[i] = string(e.spec.Name)
	}
	return out
}

// Lookup returns the Spec of a platform name, or an error listing the valid names.
func Lookup(name string) (platform.Spec, error) {
	for _, e := range all {
		if string(e.spec.Name) == name {
			return e.spec, nil
		}
	}
	return platform.Spec{}, fmt.Errorf("unknown platform %q: expected one of %s", name, strings.Join(NameStrings(), ", "))
}

// NewClient builds the client of the named platform.
func NewClient(name platform.Name, cfg platform.HTTPConfig) (platform.Client, error) {
	for _, e := range all {
		if e.spec.Name == name {
			return e.new(cfg)
		}
	}
	return nil, fmt.Errorf("unknown platform %q: expected one of %s", name, strings.Join(NameStrings(), ", "))
}
