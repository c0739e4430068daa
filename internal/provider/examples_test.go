package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platforms"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// examplesDir is the examples tree, relative to this package's directory (where go test runs).
const examplesDir = "../../examples"

// envServeProvider makes this test binary serve the Terraform provider instead of running tests.
// TestAccExamples runs terraform with a dev_overrides CLI configuration that points at this
// binary, so every provider block (aliases included) gets its own provider process as in real use;
// terraform-plugin-testing's in-process provider would serve all aliases from one configuration.
const envServeProvider = "LLM_EXAMPLES_TEST_SERVE_PROVIDER"

// init serves the provider when terraform started this binary as the llm plugin. It runs before
// the testing package parses flags, which terraform does not pass.
func init() {
	if os.Getenv(envServeProvider) != "1" {
		return
	}
	err := providerserver.Serve(context.Background(), New("test"), providerserver.ServeOpts{
		Address: "registry.terraform.io/llmconfig/llm",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// exampleSetup is what an example needs beyond its own text to be planned against the mock.
type exampleSetup struct {
	// platform is used for an example without a provider "llm" block, or whose platform is not
	// a literal (provider.tf takes it from a variable).
	platform platform.Name
	// seed creates the records the example reads (data sources, import blocks) and returns
	// values for variables that must name them.
	seed func(t *testing.T, m *testMock) map[string]string
	// planMatches, when set, is a regular expression the plan output must match.
	planMatches string
	// needs, when set, says why the CLI cannot plan the example ("" when it can).
	needs func(t *testing.T, tf string) string
}

// exampleSetups lists the examples that cannot be planned from their text alone. An example
// missing from here that needs an entry fails the test, so every new example is covered.
var exampleSetups = map[string]exampleSetup{
	"provider/provider.tf":              {platform: barndoor.Name},
	"resources/llm_provider/api-key.tf": {platform: refactor.Name},
	"resources/llm_provider/import-by-string-id.tf": {
		platform: refactor.Name,
		seed: func(t *testing.T, m *testMock) map[string]string {
			m.call(t, http.MethodPost, "/api/v1/llm-providers", map[string]any{
				"provider": "openai", "enabled": true, "credentials": map[string]any{"api_key": "sk-example-existing"},
			})
			return nil
		},
		// The documented promise: an import, then one in-place update that sends the key.
		planMatches: `Plan: 1 to import, 0 to add, 1 to change, 0 to destroy\.`,
	},
	"resources/llm_provider/import-identity-block.tf": {
		platform: refactor.Name,
		seed: func(t *testing.T, m *testMock) map[string]string {
			m.call(t, http.MethodPost, "/api/v1/llm-providers", map[string]any{
				"provider": "anthropic", "enabled": true, "credentials": map[string]any{"api_key": "sk-ant-existing"},
			})
			return nil
		},
		planMatches: `Plan: 1 to import, 0 to add, 0 to change, 0 to destroy\.`,
		needs:       identitySupport,
	},
	"data-sources/llm_provider/data-source.tf": {
		platform: barndoor.Name,
		seed: func(t *testing.T, m *testMock) map[string]string {
			seedBarndoor(t, m, "Anthropic-Prod", "anthropic")
			return map[string]string{"openai_provider_id": seedBarndoor(t, m, "openai-direct", "openai")}
		},
	},
	"data-sources/llm_providers/data-source.tf": {
		platform: barndoor.Name,
		seed: func(t *testing.T, m *testMock) map[string]string {
			seedBarndoor(t, m, "openai-direct", "openai")
			seedBarndoor(t, m, "anthropic-prod", "anthropic")
			return nil
		},
	},
}

func seedBarndoor(t *testing.T, m *testMock, name, modelProvider string) string {
	t.Helper()
	out := m.call(t, http.MethodPost, "/api/llm-gateway/admin/providers", map[string]any{
		"name": name, "model_provider": modelProvider, "api_key": "bd-example-existing-key",
	})
	id, _ := out["id"].(string)
	if id == "" {
		t.Fatalf("seeding barndoor %q: no id in %v", name, out)
	}
	return id
}

// TestAccExamples checks every file under examples/: each .tf file is formatted as terraform fmt
// would write it and plans cleanly against the mock (resources as creates, data sources read,
// import blocks resolved), so the examples the docs show are known to work. terraform plans each
// example as a user would run it, with the provider installed through dev_overrides.
func TestAccExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make test sets it)")
	}
	tf := terraformBinary(t)
	env := examplesTerraformEnv(t)
	var files []string
	err := filepath.WalkDir(examplesDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(examplesDir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatalf("walking %s: %v", examplesDir, err)
	}
	// The docs render these by name: one resource example per platform, import, data sources.
	want := []string{
		"provider/provider.tf", "resources/llm_provider/resource.tf", "resources/llm_provider/import.sh",
		"resources/llm_provider/import-by-string-id.tf", "resources/llm_provider/import-identity-block.tf", "resources/llm_provider/api-key.tf",
		"data-sources/llm_provider/data-source.tf", "data-sources/llm_providers/data-source.tf",
		"data-sources/llm_provider_validation/data-source.tf",
		"list-resources/llm_provider/list-resource.tfquery.hcl", "list-resources/llm_provider/list-resource-filtered.tfquery.hcl",
	}
	for _, name := range platformNames() {
		want = append(want, "resources/llm_provider/"+string(name)+".tf")
	}
	for _, w := range want {
		if !slices.Contains(files, w) {
			t.Errorf("examples/%s is missing", w)
		}
	}
	for key := range exampleSetups {
		if !slices.Contains(files, key) {
			t.Errorf("exampleSetups names examples/%s, which does not exist", key)
		}
	}

	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(examplesDir, filepath.FromSlash(rel))
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			switch filepath.Ext(rel) {
			case ".tf":
				checkFormatted(t, tf, path)
				planExample(t, env, tf, rel, string(src))
			case ".sh":
				checkImportScript(t, string(src))
			case ".hcl":
				checkQueryExample(t, env, tf, rel, string(src))
			default:
				t.Fatalf("unexpected file in examples/: %s (only .tf, .tfquery.hcl and import .sh files belong there)", rel)
			}
		})
	}
}

// terraformBinary finds terraform the way terraform-plugin-testing does, without downloading.
func terraformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("no terraform: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (%v)", err)
	}
	return p
}

// examplesTerraformEnv returns the environment for terraform: a CLI configuration whose
// dev_overrides installs this test binary as llmconfig/llm, which serves the provider when it
// sees envServeProvider. No registry is contacted and no terraform init is needed.
func examplesTerraformEnv(t *testing.T) []string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatalf("locating the test binary: %v", err)
	}
	pluginDir := t.TempDir()
	if err := os.Symlink(self, filepath.Join(pluginDir, "terraform-provider-llm")); err != nil {
		t.Fatalf("linking the provider plugin: %v", err)
	}
	cliConfig := filepath.Join(t.TempDir(), "examples.tfrc")
	rc := fmt.Sprintf("disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n    %q = %q\n  }\n}\n", "llmconfig/llm", pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	// Later entries win in os/exec, so these replace whatever the environment holds.
	return append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, envServeProvider+"=1", "CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_LOG=", "TF_REATTACH_PROVIDERS=")
}

// checkFormatted fails the test when terraform fmt would change the file.
func checkFormatted(t *testing.T, tf, path string) {
	t.Helper()
	cmd := exec.Command(tf, "fmt", "-check", "-diff", "-no-color", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("terraform fmt -check %s failed (%v); run make fmt:\n%s", path, err, out.String())
	}
}

var (
	importLine    = regexp.MustCompile(`^terraform import llm_provider\.[a-z_][a-z0-9_]* \S+$`)
	changeBlock   = regexp.MustCompile(`(?m)^(resource|output) "`)
	dataBlock     = regexp.MustCompile(`(?m)^data "`)
	variableStart = regexp.MustCompile(`^variable "([A-Za-z0-9_-]+)" \{$`)
	defaultAttr   = regexp.MustCompile(`^\s*default\s*=`)
	platformAttr  = regexp.MustCompile(`^\s*platform\s*=\s*"([a-z]+)"\s*(#.*)?$`)
	mockedAttr    = regexp.MustCompile(`^\s*(platform|endpoint|token)\s*=`)
)

// checkImportScript wants only comments and terraform import commands, and a command per platform.
func checkImportScript(t *testing.T, src string) {
	t.Helper()
	commands := 0
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !importLine.MatchString(line) {
			t.Errorf("import.sh: %q is not `terraform import llm_provider.<name> <id>`", line)
		}
		commands++
	}
	if commands != len(platformNames()) {
		t.Errorf("import.sh has %d import commands, want one per platform (%d)", commands, len(platformNames()))
	}
	for _, name := range platformNames() {
		if !strings.Contains(src, "# "+string(name)+":") {
			t.Errorf("import.sh does not explain the %s id (a comment starting `# %s:`)", name, name)
		}
	}
}

// planExample plans the example against the mock with a real terraform plan. Its provider blocks
// keep every attribute but get the mock's endpoint and token, and its variables get values.
func planExample(t *testing.T, env []string, tf, rel, src string) {
	t.Helper()
	setup := exampleSetups[rel]
	if setup.needs != nil {
		if why := setup.needs(t, tf); why != "" {
			t.Skipf("%s: %s", rel, why)
		}
	}
	m := newTestMock(t)
	vars := map[string]string{}
	if setup.seed != nil {
		vars = setup.seed(t, m)
	}
	cfg, needValues, err := exampleConfig(src, m, setup.platform)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	hasChanges := changeBlock.MatchString(src)
	if !hasChanges && !dataBlock.MatchString(src) {
		// Terraform configures no provider that nothing uses; a list makes it configure this one,
		// so a bad endpoint, duration or limit fails here. It adds nothing to the plan.
		cfg += "\ndata \"llm_providers\" \"example_test_probe\" {}\n"
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"}
	for _, name := range needValues {
		if _, ok := vars[name]; !ok {
			args = append(args, "-var", name+"=example-"+name)
		}
	}
	for name, v := range vars {
		if !strings.Contains(src, fmt.Sprintf("variable %q", name)) {
			t.Fatalf("%s: the seed sets variable %q, which the example does not declare", rel, name)
		}
		args = append(args, "-var", name+"="+v)
	}
	code, out := runTerraform(t, env, tf, dir, args...)
	want := 0
	if hasChanges {
		want = 2
	}
	if code != want {
		t.Fatalf("terraform plan -detailed-exitcode of %s exited %d, want %d:\n%s\n--- configuration as planned:\n%s", rel, code, want, out, cfg)
	}
	if setup.planMatches != "" && !regexp.MustCompile(setup.planMatches).MatchString(out) {
		t.Errorf("the plan of %s does not match %q:\n%s", rel, setup.planMatches, out)
	}
}

// runTerraform runs terraform in dir and returns its exit code and combined output.
func runTerraform(t *testing.T, env []string, tf, dir string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf, args...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if exitErr := (*exec.ExitError)(nil); errors.As(err, &exitErr) {
		return exitErr.ExitCode(), out.String()
	} else if err != nil {
		t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
	}
	return 0, out.String()
}

// TestAccExamples_importGenerateConfig follows the import workflow docs/index.md describes, on
// every platform: an import block alone, terraform plan -generate-config-out writes the resource,
// apply imports it, and the next plan with -detailed-exitcode is empty (exit 0), so an imported
// record shows no phantom diff.
func TestAccExamples_importGenerateConfig(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make test sets it)")
	}
	tf := terraformBinary(t)
	env := examplesTerraformEnv(t)
	seeds := map[platform.Name]func(t *testing.T, m *testMock) string{
		refactor.Name: func(t *testing.T, m *testMock) string {
			m.call(t, http.MethodPost, "/api/v1/llm-providers", map[string]any{
				"provider": "anthropic", "enabled": false, "credentials": map[string]any{"api_key": "sk-existing"},
			})
			return "anthropic"
		},
		flashback.Name: func(t *testing.T, m *testMock) string {
			out := m.call(t, http.MethodPost, "/ai/llm", map[string]any{
				"name": "gemini", "aiType": "GOOGLE", "endpoint": "https://generativelanguage.googleapis.com",
				"key": "k-existing", "secret": "s-existing", "workspaceId": "ws-platform-team",
			})
			id, _ := out["aiLlmId"].(string)
			return id
		},
		barndoor.Name: func(t *testing.T, m *testMock) string {
			return seedBarndoor(t, m, "anthropic-prod", "anthropic")
		},
		keywordsai.Name: func(t *testing.T, m *testMock) string {
			m.call(t, http.MethodPost, "/api/providers/", map[string]any{
				"provider_id": "acme-azure-openai", "provider_name": "Azure OpenAI (prod)", "api_key": "k-existing",
			})
			return "acme-azure-openai"
		},
	}
	// What the generated resource must say: the documented mapping of wire values back to
	// canonical ones (flashback GOOGLE reads as google_ai) and the user-chosen keys.
	wantGenerated := map[platform.Name]string{
		refactor.Name:   `model_provider\s+= "anthropic"`,
		flashback.Name:  `model_provider\s+= "google_ai"`,
		barndoor.Name:   `model_provider\s+= "anthropic"`,
		keywordsai.Name: `provider_id\s+= "acme-azure-openai"`,
	}
	for _, name := range platformNames() {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			id := seeds[name](t, m)
			if id == "" {
				t.Fatal("seeding returned no id")
			}
			dir := t.TempDir()
			cfg := fmt.Sprintf("terraform {\n  required_providers {\n    llm = {\n      source = \"llmconfig/llm\"\n    }\n  }\n}\n\n%s\nimport {\n  to = llm_provider.imported\n  id = %q\n}\n",
				m.providerConfig(name), id)
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			steps := []struct {
				args []string
				want int
			}{
				{[]string{"plan", "-input=false", "-no-color", "-generate-config-out=generated.tf"}, 0},
				{[]string{"apply", "-input=false", "-no-color", "-auto-approve"}, 0},
				{[]string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, 0},
			}
			for _, step := range steps {
				code, out := runTerraform(t, env, tf, dir, step.args...)
				if code != step.want {
					generated, _ := os.ReadFile(filepath.Join(dir, "generated.tf"))
					t.Fatalf("terraform %s exited %d, want %d:\n%s\n--- generated.tf:\n%s", strings.Join(step.args, " "), code, step.want, out, generated)
				}
			}
			generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
			if err != nil || !strings.Contains(string(generated), `resource "llm_provider" "imported"`) {
				t.Fatalf("generated.tf has no llm_provider resource (%v):\n%s", err, generated)
			}
			if !regexp.MustCompile(wantGenerated[name]).Match(generated) {
				t.Errorf("generated.tf does not match %q:\n%s", wantGenerated[name], generated)
			}
		})
	}
}

// exampleConfig rewrites an example for the mock. It returns the configuration and the variables
// that have no default (the test must give them values). Snippets without a terraform block get
// one that requires llmconfig/llm, as provider.tf does. It relies on terraform fmt's layout:
// top-level blocks open at column 0 and close with a "}" line.
func exampleConfig(src string, m *testMock, fallback platform.Name) (string, []string, error) {
	lines := strings.Split(src, "\n")
	var out, needValues []string
	hasProvider, hasTerraform := false, false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		end := i
		if strings.HasSuffix(line, "{") && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "#") {
			for end < len(lines) && lines[end] != "}" {
				end++
			}
			if end == len(lines) {
				return "", nil, fmt.Errorf("block %q is not closed by a \"}\" line (is the file terraform fmt formatted?)", line)
			}
		}
		body := lines[i+1 : max(end, i+1)]
		switch line {
		case "terraform {":
			hasTerraform = true
			if !strings.Contains(strings.Join(body, "\n"), `source = "llmconfig/llm"`) {
				return "", nil, fmt.Errorf("the terraform block must require llm from source \"llmconfig/llm\"")
			}
		case `provider "llm" {`:
			hasProvider = true
			name := fallback
			var kept []string
			for _, b := range body {
				if sm := platformAttr.FindStringSubmatch(b); sm != nil {
					name = platform.Name(sm[1])
				}
				if mockedAttr.MatchString(b) {
					if v := strings.TrimSpace(strings.SplitN(b, "#", 2)[0]); strings.HasSuffix(v, "{") || strings.HasSuffix(v, "(") ||
						strings.HasSuffix(v, "[") || strings.Contains(v, "<<") {
						return "", nil, fmt.Errorf("provider attribute %q spans several lines; keep platform, endpoint and token on one line each", v)
					}
					continue
				}
				kept = append(kept, b)
			}
			if _, err := platforms.Lookup(string(name)); err != nil {
				return "", nil, fmt.Errorf("provider block without a literal platform and no platform in exampleSetups: %v", err)
			}
			out = append(out, line)
			out = append(out, kept...)
			out = append(out, fmt.Sprintf("  platform = %q", name), fmt.Sprintf("  endpoint = %q", m.endpoint(name)),
				fmt.Sprintf("  token    = %q", testToken), "}")
			i = end
			continue
		}
		if sm := variableStart.FindStringSubmatch(line); sm != nil {
			if !slices.ContainsFunc(body, defaultAttr.MatchString) {
				needValues = append(needValues, sm[1])
			}
		}
		out = append(out, lines[i:end+1]...)
		i = end
	}
	cfg := strings.Join(out, "\n")
	if !hasProvider {
		if _, err := platforms.Lookup(string(fallback)); err != nil {
			return "", nil, fmt.Errorf("no provider \"llm\" block and no platform in exampleSetups: %v", err)
		}
		cfg = m.providerConfig(fallback) + cfg
	}
	if !hasTerraform {
		// Snippets rely on the terraform block of provider.tf, which names the provider's source.
		cfg = "terraform {\n  required_providers {\n    llm = {\n      source = \"llmconfig/llm\"\n    }\n  }\n}\n\n" + cfg
	}
	return cfg, needValues, nil
}
