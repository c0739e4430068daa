package main

import (
	"fmt"
	"strings"
)

// benchPlatform generates a valid configuration of N records for one platform.
type benchPlatform struct {
	// endpointPath is appended to the mock's root to make the provider block's endpoint.
	endpointPath string
	// maxRecords caps N where the platform cannot hold more records; 0 means no cap.
	maxRecords int
	limitNote  string
	// updated names the attribute the update changes on every record.
	updated string
	// record returns the attribute lines of record i; "${var.label}" is what the update changes.
	record func(i int) []string
}

// refactorModelProviders are the canonical model providers refactor accepts: it keeps one record per
// model provider slug, so these seven are every record a refactor account can hold.
var refactorModelProviders = []string{"openai", "anthropic", "google_ai", "vertex", "azure_openai", "bedrock", "xai"}

// flashbackWorkspaces spreads flashback's records over a few workspaces, as real accounts do; the
// coalesced refresh lists once per workspace.
const flashbackWorkspaces = 5

var benchPlatforms = map[string]benchPlatform{
	"refactor": {
		endpointPath: "/api",
		maxRecords:   len(refactorModelProviders),
		limitNote: fmt.Sprintf("refactor keeps one record per model provider slug and accepts %d model providers, so no account can hold more than %d records: benched at N = %d",
			len(refactorModelProviders), len(refactorModelProviders), len(refactorModelProviders)),
		updated: "enabled",
		record: func(i int) []string {
			return []string{
				fmt.Sprintf("model_provider = %q", refactorModelProviders[i]),
				`enabled        = var.label == "v1"`,
				fmt.Sprintf("api_key        = %q", fmt.Sprintf("sk-bench-%04d", i)),
			}
		},
	},
	"flashback": {
		endpointPath: "",
		updated:      "name",
		record: func(i int) []string {
			return []string{
				fmt.Sprintf(`name           = "bench-%04d-${var.label}"`, i),
				`model_provider = "openai"`,
				`base_url       = "https://api.openai.com/v1"`,
				fmt.Sprintf("workspace_id   = %q", fmt.Sprintf("ws-bench-%d", i%flashbackWorkspaces)),
				fmt.Sprintf("api_key        = %q", fmt.Sprintf("fb-key-%04d", i)),
				fmt.Sprintf("secret         = %q", fmt.Sprintf("fb-secret-%04d", i)),
			}
		},
	},
	"barndoor": {
		endpointPath: "/api/llm-gateway",
		updated:      "name",
		record: func(i int) []string {
			return []string{
				fmt.Sprintf(`name           = "bench-%04d-${var.label}"`, i),
				`model_provider = "openai"`,
				fmt.Sprintf("api_key        = %q", fmt.Sprintf("bd-key-%04d", i)),
			}
		},
	},
	"keywordsai": {
		endpointPath: "",
		updated:      "name",
		record: func(i int) []string {
			return []string{
				fmt.Sprintf("provider_id = %q", fmt.Sprintf("bench-%04d", i)),
				fmt.Sprintf(`name        = "Bench %04d ${var.label}"`, i),
				fmt.Sprintf("api_key     = %q", fmt.Sprintf("kw-key-%04d", i)),
			}
		},
	},
}

// records is how many records the platform can hold of the n asked for, with a note when fewer.
func (bp benchPlatform) records(n int) (int, string) {
	if bp.maxRecords > 0 && n > bp.maxRecords {
		return bp.maxRecords, bp.limitNote
	}
	return n, ""
}

// config is main.tf for n records of the platform against the mock at root.
func (bp benchPlatform) config(platformName, root string, n int) string {
	return bp.render(sourceOurs, platformName, root, n, nil)
}

// sevenAttributes are the attributes of the 7-attribute framework floor a configuration may set
// (its seventh, id, is computed).
var sevenAttributes = map[string]bool{"name": true, "model_provider": true, "base_url": true, "enabled": true, "api_key": true, "settings": true}

// render is main.tf for n records of the platform for the provider at source, which the framework
// floors share with ours as they accept its provider block. With keep, a record sets only the
// attributes keep has; every platform's record keeps its var.label attribute that way, so the
// update still changes every record.
func (bp benchPlatform) render(source, platformName, root string, n int, keep map[string]bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    llm = { source = %q }\n  }\n}\n\n", source)
	b.WriteString("variable \"label\" {\n  type = string\n}\n\n")
	fmt.Fprintf(&b, "provider \"llm\" {\n  platform = %q\n  endpoint = %q\n  token    = %q\n}\n", platformName, root+bp.endpointPath, mockToken)
	for i := range n {
		fmt.Fprintf(&b, "\nresource \"llm_provider\" \"r%04d\" {\n", i)
		for _, line := range bp.record(i) {
			if attr, _, _ := strings.Cut(line, " "); keep != nil && !keep[attr] {
				continue
			}
			b.WriteString("  " + line + "\n")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// floorConfig is main.tf for n terraform_data resources whose input the update changes: the least
// work Terraform can do for n resources, with no provider process and no API.
func floorConfig(n int) string {
	var b strings.Builder
	b.WriteString("variable \"label\" {\n  type = string\n}\n")
	for i := range n {
		fmt.Fprintf(&b, "\nresource \"terraform_data\" \"r%04d\" {\n  input = \"bench-%04d-${var.label}\"\n}\n", i, i)
	}
	return b.String()
}
