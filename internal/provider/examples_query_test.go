package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
)

// cliVersion is the version the CLI reports (OpenTofu reports its own numbers).
func cliVersion(tf string) (*version.Version, error) {
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		return nil, fmt.Errorf("%s version failed: %w", tf, err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("%s version -json is not JSON: %w", tf, err)
	}
	return version.NewVersion(v.TerraformVersion)
}

// querySupport returns why the CLI cannot run terraform query, or "" when it can (Terraform 1.14
// and later; OpenTofu has no query command).
func querySupport(t *testing.T, tf string) string {
	t.Helper()
	v, err := cliVersion(tf)
	if err != nil {
		return err.Error()
	}
	if terraformFlavour() == "opentofu" {
		return fmt.Sprintf("OpenTofu %s has no query command", v)
	}
	if v.Core().LessThan(version.Must(version.NewVersion("1.14.0"))) {
		return fmt.Sprintf("Terraform %s has no query command (1.14 and later)", v)
	}
	return ""
}

// identitySupport returns why the CLI cannot import by identity, or "" when it can (Terraform
// and OpenTofu 1.12 and later).
func identitySupport(t *testing.T, tf string) string {
	t.Helper()
	v, err := cliVersion(tf)
	if err != nil {
		return err.Error()
	}
	if v.Core().LessThan(version.Must(version.NewVersion("1.12.0"))) {
		return fmt.Sprintf("%s %s cannot import by identity (1.12 and later)", map[string]string{"opentofu": "OpenTofu", "terraform": "Terraform"}[terraformFlavour()], v)
	}
	return ""
}

const requireLLM = "terraform {\n  required_providers {\n    llm = {\n      source = \"llmconfig/llm\"\n    }\n  }\n}\n\n"

// checkQueryExample runs a .tfquery.hcl example with terraform query against the mock, where the
// CLI has the command: it must be formatted and list the seeded records without an error.
func checkQueryExample(t *testing.T, env []string, tf, rel, src string) {
	t.Helper()
	if why := querySupport(t, tf); why != "" {
		t.Skipf("%s: %s", rel, why)
	}
	m := newTestMock(t)
	seedBarndoor(t, m, "openai-direct", "openai")
	seedBarndoor(t, m, "anthropic-prod", "anthropic")
	dir := t.TempDir()
	files := map[string]string{"main.tf": requireLLM + m.providerConfig(barndoor.Name), filepath.Base(rel): src}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if code, out := runTerraform(t, env, tf, dir, "fmt", "-check", "-diff", "-no-color", filepath.Base(rel)); code != 0 {
		t.Errorf("terraform fmt -check %s exited %d; run terraform fmt on it:\n%s", rel, code, out)
	}
	code, out := runTerraform(t, env, tf, dir, "query", "-no-color")
	if code != 0 {
		t.Fatalf("terraform query of %s exited %d:\n%s", rel, code, out)
	}
	if !strings.Contains(out, "openai-direct") {
		t.Errorf("terraform query of %s does not list the seeded record openai-direct:\n%s", rel, out)
	}
	// What the guide does with it: generate, then a plan that imports each record once.
	if code, out := runTerraform(t, env, tf, dir, "query", "-no-color", "-generate-config-out=generated.tf"); code != 0 {
		t.Fatalf("terraform query -generate-config-out of %s exited %d:\n%s", rel, code, out)
	}
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`(?m)^\s+id\s+= "([^"]+)"`).FindAllStringSubmatch(string(generated), -1)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id[1]] {
			t.Errorf("%s generates two imports of record %s (overlapping list blocks):\n%s", rel, id[1], generated)
		}
		seen[id[1]] = true
	}
	_, out = runTerraform(t, env, tf, dir, "plan", "-no-color", "-input=false")
	if want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", len(ids)); len(ids) == 0 || !strings.Contains(out, want) {
		t.Errorf("the plan of the configuration %s generates is not %q:\n%s\n--- generated.tf:\n%s", rel, want, out, generated)
	}
}

// TestAccExamples_queryAdoptAll follows the adoption workflow of the "Adopting existing records"
// guide on every platform: records exist that Terraform does not manage; terraform query
// -generate-config-out writes a resource and an import block for each, with no secret; the
// plan imports exactly those records and changes nothing; apply sends no write to the
// platform; and the next plan is empty.
func TestAccExamples_queryAdoptAll(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make test sets it)")
	}
	tf := terraformBinary(t)
	if why := querySupport(t, tf); why != "" {
		t.Skip(why)
	}
	env := examplesTerraformEnv(t)
	query := "list \"llm_provider\" \"all\" {\n  provider         = llm\n  include_resource = true\n}\n"
	for _, name := range platformNames() {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			recs := seedRecords(t, m, name)
			dir := t.TempDir()
			for file, content := range map[string]string{"main.tf": requireLLM + m.providerConfig(name), "adopt.tfquery.hcl": query} {
				if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			run := func(want int, args ...string) string {
				t.Helper()
				code, out := runTerraform(t, env, tf, dir, args...)
				if code != want {
					generated, _ := os.ReadFile(filepath.Join(dir, "generated.tf"))
					t.Fatalf("terraform %s exited %d, want %d:\n%s\n--- generated.tf:\n%s", strings.Join(args, " "), code, want, out, generated)
				}
				return out
			}
			run(0, "query", "-no-color", "-generate-config-out=generated.tf")
			generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
			if err != nil {
				t.Fatal(err)
			}
			gen := string(generated)
			if got := strings.Count(gen, "resource \"llm_provider\""); got != len(recs) {
				t.Errorf("generated.tf has %d llm_provider resources, want %d:\n%s", got, len(recs), gen)
			}
			if got := strings.Count(gen, "import {"); got != len(recs) {
				t.Errorf("generated.tf has %d import blocks, want %d:\n%s", got, len(recs), gen)
			}
			for _, rec := range recs {
				if !strings.Contains(gen, fmt.Sprintf("%q", rec.id)) {
					t.Errorf("generated.tf does not name record %s:\n%s", rec.id, gen)
				}
			}
			if regexp.MustCompile(`(?m)^\s*(api_key|secret|credentials)\s*=\s*"`).MatchString(gen) {
				t.Errorf("generated.tf holds a secret value:\n%s", gen)
			}
			out := run(2, "plan", "-no-color", "-input=false", "-detailed-exitcode")
			want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", len(recs))
			if !strings.Contains(out, want) {
				t.Errorf("the plan after generating is not %q:\n%s", want, out)
			}
			m.srv.ClearRequests()
			run(0, "apply", "-no-color", "-input=false", "-auto-approve")
			for _, e := range m.srv.Requests() {
				if e.Method != http.MethodGet {
					t.Errorf("adopting sent a write to the platform: %s %s", e.Method, e.Path)
				}
			}
			run(0, "plan", "-no-color", "-input=false", "-detailed-exitcode")
		})
	}
}
