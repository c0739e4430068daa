package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBenchSmoke is the small version of make bench that make test runs: N = 3 on every platform,
// against a real terraform and llm-mock. It checks that every row is produced and that the
// Terraform provider meets its request budget per record.
func TestBenchSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH) to run the bench smoke test; make test does")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set: point it at a terraform >= 1.11 (scripts/ensure-terraform.sh prints one)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const n = 3
	platforms := []string{"refactor", "flashback", "barndoor", "keywordsai"}
	report, err := Run(t.Context(), Options{
		Ns: []int{n}, Platforms: platforms, Terraform: terraform, Parallelism: 10,
		ModuleRoot: root, WorkDir: t.TempDir(), Command: "go test ./internal/benchtool -run TestBenchSmoke",
	})
	if err != nil {
		t.Fatal(err)
	}
	text, md := report.Text(), report.Markdown()
	t.Log(text)
	if len(report.Results) != len(platforms) {
		t.Fatalf("%d results, want %d", len(report.Results), len(platforms))
	}
	for i, res := range report.Results {
		if res.Platform != platforms[i] || res.Records != n {
			t.Fatalf("result %d is %s with %d records, want %s with %d", i, res.Platform, res.Records, platforms[i], n)
		}
		for _, op := range Operations {
			row := regexp.MustCompile(`(?m)^` + res.Platform + `\s+3\s+` + regexp.QuoteMeta(op.Label()) + `\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d\d\s+\d\.\d\d \(`)
			if !row.MatchString(text) {
				t.Errorf("console output lacks the %s %s row", res.Platform, op)
			}
			if !strings.Contains(md, fmt.Sprintf("| %s | 3 | %s | ", res.Platform, op.Label())) {
				t.Errorf("BENCHMARKS.md text lacks the %s %s row", res.Platform, op)
			}
			ours, floor := res.Ours[op], res.Floor[op]
			if ours.Duration <= 0 || floor.Duration <= 0 {
				t.Errorf("%s %s: ours %v, floor %v; want both timed", res.Platform, op, ours.Duration, floor.Duration)
			}
			if ours.ProviderPeakKB <= 0 || floor.ProviderPeakKB != 0 {
				t.Errorf("%s %s: provider peak %d KiB (floor %d); want > 0 for ours and 0 for the floor, which starts no plugin",
					res.Platform, op, ours.ProviderPeakKB, floor.ProviderPeakKB)
			}
			if f := ours.Failures(); f > 0 {
				t.Errorf("%s %s: %d answers were 429 or 5xx: %v", res.Platform, op, f, ours.Statuses)
			}
		}
		checkBudget(t, res)
	}
}

// createListCalls is how many list calls a create of N records may make on each platform: none
// where the create answers the record; keywordsai's existence check before its upsert is one list
// for the whole apply; flashback's read-backs of its id-only create answers are batched lists, at
// most one per record.
func createListCalls(platform string, n int) (least, most int) {
	switch platform {
	case "keywordsai":
		return 1, 1
	case "flashback":
		return 1, n
	}
	return 0, 0
}

// checkBudget asserts the requests per record of each operation: one write per created record
// plus the list calls createListCalls allows, exactly one write per update and per delete, and a
// refresh of at most one read per record.
func checkBudget(t *testing.T, res Result) {
	t.Helper()
	n := res.Records
	apply := res.Ours[OpApply]
	least, most := createListCalls(res.Platform, n)
	if w, reads := apply.WritesPerRecord(n), apply.Requests["GET"]; w != 1 || reads < least || reads > most {
		t.Errorf("%s create: %.2f writes per record and %d reads (%v), want 1 write per record and %d to %d reads", res.Platform, w, reads, apply.Requests, least, most)
	}
	refresh := res.Ours[OpRefresh]
	if w, r := refresh.WritesPerRecord(n), refresh.ReadsPerRecord(n); w != 0 || r > 1 || r == 0 {
		t.Errorf("%s refresh: %.2f writes and %.2f reads per record (%v), want 0 and at most 1 (but some)", res.Platform, w, r, refresh.Requests)
	}
	for _, op := range []Operation{OpUpdate, OpDestroy} {
		m := res.Ours[op]
		if w, r := m.WritesPerRecord(n), m.ReadsPerRecord(n); w != 1 || r > 1 {
			t.Errorf("%s %s: %.2f writes and %.2f reads per record (%v), want exactly 1 write and at most 1 read (the refresh)", res.Platform, op, w, r, m.Requests)
		}
	}
	if got := res.Ours[OpDestroy].Requests["DELETE"]; got != n {
		t.Errorf("%s destroy sent %d DELETEs, want %d", res.Platform, got, n)
	}
}
