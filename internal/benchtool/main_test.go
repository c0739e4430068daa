package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRecordsCapsRefactorAtItsModelProviders(t *testing.T) {
	for _, tc := range []struct {
		platform  string
		n, want   int
		wantsNote bool
	}{
		{"refactor", 3, 3, false},
		{"refactor", 7, 7, false},
		{"refactor", 100, 7, true},
		{"refactor", 500, 7, true},
		{"flashback", 500, 500, false},
		{"barndoor", 500, 500, false},
		{"keywordsai", 500, 500, false},
	} {
		got, note := benchPlatforms[tc.platform].records(tc.n)
		if got != tc.want || (note != "") != tc.wantsNote {
			t.Errorf("%s records(%d) = %d, %q; want %d, note %v", tc.platform, tc.n, got, note, tc.want, tc.wantsNote)
		}
		if tc.wantsNote && !strings.Contains(note, "one record per model provider") {
			t.Errorf("%s note %q does not say why", tc.platform, note)
		}
	}
}

func TestConfigHasNDistinctValidRecords(t *testing.T) {
	const root = "http://127.0.0.1:9"
	block := regexp.MustCompile(`(?s)resource "llm_provider" "(r\d{4})" \{(.*?)\n\}`)
	for name, bp := range benchPlatforms {
		t.Run(name, func(t *testing.T) {
			n, _ := bp.records(12)
			cfg := bp.config(name, root, n)
			if !strings.Contains(cfg, `source = "llmconfig/llm"`) || !strings.Contains(cfg, `platform = "`+name+`"`) ||
				!strings.Contains(cfg, `endpoint = "`+root+bp.endpointPath+`"`) || !strings.Contains(cfg, `token    = "`+mockToken+`"`) {
				t.Fatalf("provider block is wrong:\n%s", cfg)
			}
			blocks := block.FindAllStringSubmatch(cfg, -1)
			if len(blocks) != n {
				t.Fatalf("%d resource blocks, want %d", len(blocks), n)
			}
			// The attribute each platform keys records by must differ between records, or creates collide.
			key := map[string]string{"refactor": "model_provider", "flashback": "name", "barndoor": "name", "keywordsai": "provider_id"}[name]
			keyLine := regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*(.+)$`)
			seen := map[string]bool{}
			for _, b := range blocks {
				m := keyLine.FindStringSubmatch(b[2])
				if m == nil {
					t.Fatalf("%s has no %s:\n%s", b[1], key, b[2])
				}
				if seen[m[1]] {
					t.Fatalf("%s repeats %s %s", b[1], key, m[1])
				}
				seen[m[1]] = true
				if !strings.Contains(b[2], "var.label") {
					t.Fatalf("%s does not change with var.label, so the update would change nothing:\n%s", b[1], b[2])
				}
			}
		})
	}
	fb := benchPlatforms["flashback"].config("flashback", root, 12)
	for ws := range flashbackWorkspaces {
		if got := strings.Count(fb, `"ws-bench-`+string(rune('0'+ws))+`"`); got < 2 {
			t.Errorf("workspace ws-bench-%d holds %d of 12 records, want them spread over %d workspaces", ws, got, flashbackWorkspaces)
		}
	}
}

func TestFloorConfigHasNTerraformDataResources(t *testing.T) {
	cfg := floorConfig(4)
	if got := strings.Count(cfg, `resource "terraform_data"`); got != 4 {
		t.Fatalf("%d terraform_data resources, want 4:\n%s", got, cfg)
	}
	if got := strings.Count(cfg, "${var.label}"); got != 4 {
		t.Fatalf("%d inputs follow var.label, want 4", got)
	}
	if strings.Contains(cfg, "llm") {
		t.Fatalf("the floor must not use the Terraform provider under test:\n%s", cfg)
	}
}

func TestTerraformArgs(t *testing.T) {
	tf := &terraformRunner{parallelism: 7}
	want := map[Operation]string{
		OpApply:   "apply -auto-approve -input=false -no-color -parallelism=7 -var label=v1",
		OpRefresh: "plan -refresh-only -input=false -no-color -parallelism=7 -var label=v1",
		OpPlan:    "plan -refresh=false -input=false -no-color -parallelism=7 -var label=v1",
		OpUpdate:  "apply -auto-approve -input=false -no-color -parallelism=7 -var label=v2",
		OpDestroy: "destroy -auto-approve -input=false -no-color -parallelism=7 -var label=v2",
	}
	for op, w := range want {
		if got := strings.Join(tf.args(op), " "); got != w {
			t.Errorf("%s args = %q, want %q", op, got, w)
		}
	}
}

func TestTerraformEnvOverridesInheritedSettings(t *testing.T) {
	t.Setenv("TF_CLI_CONFIG_FILE", "/nonexistent/terraformrc")
	t.Setenv("LLM_RATE_LIMIT", "1")
	t.Setenv("TF_LOG", "trace")
	env := (&terraformRunner{cliConfig: "/bench/rc"}).env()
	if !slices.Contains(env, "TF_CLI_CONFIG_FILE=/bench/rc") {
		t.Errorf("env lacks the bench CLI config: %v", env)
	}
	for _, kv := range env {
		if kv == "TF_CLI_CONFIG_FILE=/nonexistent/terraformrc" || strings.HasPrefix(kv, "LLM_") || strings.HasPrefix(kv, "TF_LOG=") {
			t.Errorf("env keeps inherited %s", kv)
		}
	}
}

func TestRequestsCell(t *testing.T) {
	for _, tc := range []struct {
		requests map[string]int
		records  int
		want     string
	}{
		{map[string]int{"POST": 100}, 100, "1.00 (POST 1.00)"},
		{map[string]int{"DELETE": 500, "GET": 5}, 500, "1.01 (GET 0.01, DELETE 1.00)"},
		{map[string]int{"PATCH": 3, "GET": 1, "PUT": 3}, 3, "2.33 (GET 0.33, PUT 1.00, PATCH 1.00)"},
		{map[string]int{}, 3, "0"},
	} {
		if got := requestsCell(tc.requests, tc.records); got != tc.want {
			t.Errorf("requestsCell(%v, %d) = %q, want %q", tc.requests, tc.records, got, tc.want)
		}
	}
}

func TestMeasurementPerRecord(t *testing.T) {
	m := Measurement{Requests: map[string]int{"GET": 2, "PUT": 10}, Statuses: map[int]int{200: 10, 429: 1, 503: 1, 404: 3}}
	if got := m.ReadsPerRecord(10); got != 0.2 {
		t.Errorf("reads per record = %v, want 0.2", got)
	}
	if got := m.WritesPerRecord(10); got != 1 {
		t.Errorf("writes per record = %v, want 1", got)
	}
	if got := m.Failures(); got != 2 {
		t.Errorf("failures = %d, want 2 (the 429 and the 503, not the 404)", got)
	}
}

func TestMarkdownHasMachineCommandAndEveryRow(t *testing.T) {
	ms := func(d, cpu time.Duration, reqs map[string]int, provider int64) Measurement {
		m := Measurement{Duration: d, CPU: cpu, Requests: reqs, ProviderPeakKB: provider, TerraformPeakKB: 65536, TerraformCPU: cpu}
		if provider > 0 {
			m.TerraformCPU, m.ProviderCPU = cpu*3/4, cpu/4
		}
		return m
	}
	ours := map[Operation]Measurement{
		OpApply: ms(4*time.Second, 2*time.Second, map[string]int{"POST": 7}, 40960), OpRefresh: ms(time.Second, time.Second, map[string]int{"GET": 1}, 30720),
		OpPlan:   ms(time.Second, time.Second, nil, 30720),
		OpUpdate: ms(2*time.Second, time.Second, map[string]int{"GET": 1, "PUT": 7}, 30720), OpDestroy: ms(2*time.Second, time.Second, map[string]int{"GET": 1, "DELETE": 7}, 30720),
	}
	floor := func(provider int64) map[Operation]Measurement {
		out := map[Operation]Measurement{}
		for _, op := range Operations {
			out[op] = ms(time.Second, time.Second, nil, provider)
		}
		return out
	}
	_, note := benchPlatforms["refactor"].records(100)
	latency := LatencyResult{Platform: "refactor", Records: 7, Latency: 50 * time.Millisecond, Parallelism: 10, Zero: ours, Delayed: map[Operation]Measurement{
		OpApply: ms(5*time.Second, 2*time.Second, map[string]int{"POST": 7}, 40960), OpRefresh: ms(time.Second+100*time.Millisecond, time.Second, map[string]int{"GET": 1}, 30720),
		OpPlan: ms(time.Second, time.Second, nil, 30720), OpUpdate: ms(2*time.Second, time.Second, map[string]int{"GET": 1, "PUT": 7}, 30720),
		OpDestroy: ms(2*time.Second, time.Second, map[string]int{"GET": 1, "DELETE": 7}, 30720),
	}}
	r := &Report{
		Options: Options{Parallelism: 10, Command: "BENCH_N=100 make bench"},
		Machine: Machine{CPUs: 2, CPUModel: "Test CPU @ 1GHz", MemoryKB: 8 << 20, OS: "TestOS 1", Kernel: "Linux 6.1", Go: "go1.26", TerraformVer: "1.11.4", LoadBefore: "0.10 0.20 0.30", LoadAfter: "1.00 0.50 0.40"},
		Results: []Result{{Platform: "refactor", RequestedN: 100, Records: 7, Note: note, Runs: map[Variant]map[Operation]Measurement{
			TFData: floor(0), Seven: floor(20480), Same: floor(25600), Ours: ours,
		}}},
		Latency:  []LatencyResult{latency},
		Profiles: []Profile{{Platform: "refactor", Records: 7, Op: OpApply, Files: []string{"/p/refactor-7-apply.1.pprof"}, Top: "flat  flat%"}},
		GoBench:  "BenchmarkDiff-2 1000 800 ns/op\n",
	}
	md := r.Markdown()
	for _, want := range []string{
		"Command: `BENCH_N=100 make bench`", "2 × Test CPU @ 1GHz", "8.0 GiB", "TestOS 1, Linux 6.1", "go1.26", "1.11.4", "## N = 100", "before the run: 0.10 0.20 0.30; after the Terraform runs: 1.00 0.50 0.40",
		"| refactor | 7 | apply (create) | 1.00 / 1.00 / 1.00 / 4.00 | 1.00 / 1.00 / 1.00 / 2.00 | 4.00, 2.00 (≤ 1.10) | 4.00, 2.00 (≤ 1.30) | 1.00 (POST 1.00) | 20 / 25 / 40 | 64 / 64 |",
		"| refactor | 7 | plan -refresh-only | 1.00 / 1.00 / 1.00 / 1.00 | 1.00 / 1.00 / 1.00 / 1.00 | 1.00, 1.00 (≤ 1.10) | 1.00, 1.00 (≤ 1.50) | 0.14 (GET 0.14) | 20 / 25 / 30 | 64 / 64 |",
		"| refactor | 7 | plan -refresh=false | 1.00 / 1.00 / 1.00 / 1.00 | 1.00 / 1.00 / 1.00 / 1.00 | 1.00, 1.00 (≤ 1.10) | 1.00, 1.00 (≤ 1.50) | 0 | 20 / 25 / 30 | 64 / 64 |",
		"| refactor | 7 | apply (update all) | 1.00 / 1.00 / 1.00 / 2.00 | 1.00 / 1.00 / 1.00 / 1.00 | 2.00, 1.00 | 2.00, 1.00 | 1.14 (GET 0.14, PUT 1.00) | 20 / 25 / 30 | 64 / 64 |",
		"| refactor | 7 | destroy | 1.00 / 1.00 / 1.00 / 2.00 | 1.00 / 1.00 / 1.00 / 1.00 | 2.00, 1.00 (≤ 1.10) | 2.00, 1.00 | 1.14 (GET 0.14, DELETE 1.00) | 20 / 25 / 30 | 64 / 64 |",
		"## Where the CPU goes: terraform and provider, N = 100",
		// Ours' terraform spends 1.5 s of its 2 s on the apply; the 7-attribute floor 1 s in all.
		"| refactor | 7 | apply (create) | 1.00 / 0.75 / 0.75 / 1.50 | 0.25 / 0.25 / 0.50 | 1.50 (≤ 1.30) |",
		"| refactor | 7 | apply (update all) | 1.00 / 0.75 / 0.75 / 0.75 | 0.25 / 0.25 / 0.25 | 0.75 |",
		"## Latency: 50ms per request",
		// Apply: 7 requests × 50 ms / 10 = 0.035 s, but one record's request takes 0.05 s; 1 s added.
		// Refresh: 1 request × 50 ms, 0.1 s added.
		"| refactor | 7 | apply (create) | 4.00 | 5.00 | 1.00 | 0.05 | no | 1.00 (POST 1.00) |",
		"| refactor | 7 | plan -refresh-only | 1.00 | 1.10 | 0.10 | 0.05 | no | 0.14 (GET 0.14) |",
		"| refactor | 7 | plan -refresh=false | 1.00 | 1.00 | 0.00 | 0.00 | yes | 0 |",
		"## CPU profiles", "`/p/refactor-7-apply.1.pprof`", "flat  flat%",
		"Note: refactor: refactor keeps one record per model provider slug", "BenchmarkDiff-2 1000 800 ns/op",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("BENCHMARKS.md lacks %q:\n%s", want, md)
		}
	}
	text := r.Text()
	if !regexp.MustCompile(`(?m)^refactor\s+7\s+apply \(update all\)\s+1\.00 / 1\.00 / 1\.00 / 2\.00\s+1\.00 / 1\.00 / 1\.00 / 1\.00\s+2\.00, 1\.00\s+2\.00, 1\.00\s+1\.14 \(GET 0\.14, PUT 1\.00\)`).MatchString(text) {
		t.Errorf("console table lacks the update row:\n%s", text)
	}
	if !regexp.MustCompile(`(?m)^refactor\s+7\s+apply \(create\)\s+4\.00\s+5\.00\s+1\.00\s+0\.05\s+no`).MatchString(text) {
		t.Errorf("console output lacks the latency apply row:\n%s", text)
	}
}

func TestSevenAttributeConfigKeepsTheUpdatedAttribute(t *testing.T) {
	for name, bp := range benchPlatforms {
		cfg := bp.render(sourceSeven, name, "http://127.0.0.1:9", 2, sevenAttributes)
		if !strings.Contains(cfg, `source = "llmconfig/llmseven"`) {
			t.Errorf("%s: the 7-attribute configuration does not use llmseven:\n%s", name, cfg)
		}
		for _, attr := range []string{"workspace_id", "secret", "provider_id"} {
			if strings.Contains(cfg, attr) {
				t.Errorf("%s: the 7-attribute configuration sets %s, which that floor lacks:\n%s", name, attr, cfg)
			}
		}
		if strings.Count(cfg, "var.label") != 2 || !strings.Contains(cfg, bp.updated) {
			t.Errorf("%s: the update would not change %s on every record:\n%s", name, bp.updated, cfg)
		}
	}
}

func TestFindingsSurviveARerun(t *testing.T) {
	old := "# Benchmarks\n\nWritten by make bench.\n\n" + findingsHeading + "\n\nThe plan is bound by the framework.\n\n- A point.\n\n## Machine\n\n- CPU: 2\n"
	got := findingsSection(old)
	if got != "The plan is bound by the framework.\n\n- A point." {
		t.Fatalf("findingsSection = %q", got)
	}
	md := (&Report{Findings: got}).Markdown()
	if findingsSection(md) != got || strings.Index(md, findingsHeading) > strings.Index(md, "## Machine") {
		t.Errorf("the findings do not come back, before the machine, in:\n%s", md)
	}
	if findingsSection("# Benchmarks\n\n## Machine\n") != "" {
		t.Error("a file without findings has some")
	}
}

func TestRunRejectsUnknownPlatform(t *testing.T) {
	_, err := Run(t.Context(), Options{Ns: []int{1}, Platforms: []string{"nosuch"}, WorkDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), `unknown platform "nosuch"`) {
		t.Fatalf("Run error = %v, want unknown platform", err)
	}
}

func TestProcStatReadsThisProcess(t *testing.T) {
	ppid, comm, ok := procStat(os.Getpid())
	if !ok || ppid != os.Getppid() || comm == "" {
		t.Fatalf("procStat(self) = %d, %q, %v; want ppid %d", ppid, comm, ok, os.Getppid())
	}
	if kb := vmHWM(os.Getpid()); kb <= 0 {
		t.Fatalf("vmHWM(self) = %d, want > 0", kb)
	}
	if _, _, ok := procStat(1 << 30); ok {
		t.Fatal("procStat of a pid that cannot exist reported ok")
	}
}

// TestSamplerSeesOnlyProviderChildren runs a shell whose child is named like the Terraform
// provider, and one whose child is not: only the first counts as provider memory.
func TestSamplerSeesOnlyProviderChildren(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	bin, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	provider := filepath.Join(dir, "terraform-provider-llm")
	if err := os.WriteFile(provider, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	measure := func(child string) (int64, int64) {
		// The trailing "; true" keeps sh from exec'ing the child in its own place.
		cmd := exec.Command("sh", "-c", child+" 0.5; true")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		s := startSampler(cmd.Process.Pid)
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		return s.stop()
	}
	providerKB, shellKB := measure(provider)
	if providerKB <= 0 || shellKB <= 0 {
		t.Errorf("provider-named child: provider %d KiB, parent %d KiB; want both > 0", providerKB, shellKB)
	}
	otherKB, shellKB := measure(sleep)
	if otherKB != 0 || shellKB <= 0 {
		t.Errorf("other child: provider %d KiB, parent %d KiB; want 0 and > 0", otherKB, shellKB)
	}
}

// TestMedianMeasurement takes wall time and CPU time each at its own median, so one disturbed
// round moves neither, keeps the requests of the round with the median CPU and the highest peaks.
func TestMedianMeasurement(t *testing.T) {
	ms := []Measurement{
		{Duration: 9 * time.Second, CPU: 2 * time.Second, Requests: map[string]int{"GET": 1}, ProviderPeakKB: 10},
		{Duration: 1 * time.Second, CPU: 7 * time.Second, Requests: map[string]int{"GET": 2}, ProviderPeakKB: 30},
		{Duration: 3 * time.Second, CPU: 4 * time.Second, Requests: map[string]int{"GET": 3}, TerraformPeakKB: 50},
	}
	got := medianMeasurement(ms)
	if got.Duration != 3*time.Second || got.CPU != 4*time.Second {
		t.Errorf("median = %s wall, %s CPU; want 3s and 4s", got.Duration, got.CPU)
	}
	if got.Requests["GET"] != 3 {
		t.Errorf("requests = %v, want those of the round with the median CPU (GET 3)", got.Requests)
	}
	if got.ProviderPeakKB != 30 || got.TerraformPeakKB != 50 {
		t.Errorf("peaks = %d, %d; want the highest, 30 and 50", got.ProviderPeakKB, got.TerraformPeakKB)
	}
	if one := medianMeasurement(ms[:1]); one.Duration != ms[0].Duration || one.CPU != ms[0].CPU {
		t.Errorf("one round = %+v, want it unchanged", one)
	}
}
