package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// tableHeader names the columns of every results table, console and Markdown alike.
var tableHeader = []string{
	"platform", "records", "operation", "ours (s)", "floor (s)", "ratio", "API requests per record",
	"provider peak RSS (MiB)", "terraform peak RSS (MiB) ours / floor",
}

// rows returns the results table of one requested N: one row per platform and operation.
func (r *Report) rows(n int) [][]string {
	var rows [][]string
	for _, res := range r.Results {
		if res.RequestedN != n {
			continue
		}
		for _, op := range Operations {
			ours, floor := res.Ours[op], res.Floor[op]
			rows = append(rows, []string{
				res.Platform, fmt.Sprint(res.Records), op.Label(),
				fmt.Sprintf("%.2f", ours.Duration.Seconds()), fmt.Sprintf("%.2f", floor.Duration.Seconds()),
				fmt.Sprintf("%.2f", res.Ratio(op)), requestsCell(ours.Requests, res.Records),
				mib(ours.ProviderPeakKB), mib(ours.TerraformPeakKB) + " / " + mib(floor.TerraformPeakKB),
			})
		}
	}
	return rows
}

// requestsCell reads "1.20 (GET 0.20, PUT 1.00)": the total per record, then per method.
func requestsCell(requests map[string]int, records int) string {
	total := 0
	var parts []string
	for _, method := range sortedMethods(requests) {
		total += requests[method]
		parts = append(parts, fmt.Sprintf("%s %.2f", method, float64(requests[method])/float64(records)))
	}
	if total == 0 {
		return "0"
	}
	return fmt.Sprintf("%.2f (%s)", float64(total)/float64(records), strings.Join(parts, ", "))
}

func mib(kb int64) string {
	if kb == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(kb)/1024)
}

// requestedNs lists the requested Ns in run order.
func (r *Report) requestedNs() []int {
	var ns []int
	for _, res := range r.Results {
		if !slices.Contains(ns, res.RequestedN) {
			ns = append(ns, res.RequestedN)
		}
	}
	return ns
}

// notes are the per-platform caveats of one requested N, such as refactor's record cap.
func (r *Report) notes(n int) []string {
	var notes []string
	for _, res := range r.Results {
		if res.RequestedN == n && res.Note != "" {
			notes = append(notes, res.Platform+": "+res.Note+".")
		}
	}
	return notes
}

// Text is the console summary.
func (r *Report) Text() string {
	var b strings.Builder
	for _, n := range r.requestedNs() {
		fmt.Fprintf(&b, "\nN = %d (terraform -parallelism=%d; floor = the same number of terraform_data resources)\n", n, r.Options.Parallelism)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(tableHeader, "\t"))
		for _, row := range r.rows(n) {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		_ = tw.Flush()
		for _, note := range r.notes(n) {
			fmt.Fprintln(&b, "note: "+note)
		}
	}
	for _, w := range r.Warnings {
		fmt.Fprintln(&b, "warning: "+w)
	}
	if r.GoBench != "" {
		fmt.Fprintf(&b, "\nGo micro-benchmarks (patch builder and wire mapping):\n%s", r.GoBench)
	}
	fmt.Fprintf(&b, "\nbench took %s\n", r.Elapsed.Round(time.Second))
	return b.String()
}

// Markdown is the whole of BENCHMARKS.md.
func (r *Report) Markdown() string {
	var b strings.Builder
	m := r.Machine
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Written by `make bench` (`scripts/bench.sh`, which runs `internal/benchtool`); rerun it rather than editing this file.\n\n")
	fmt.Fprintf(&b, "Command: `%s`  \n", r.Options.Command)
	fmt.Fprintf(&b, "Run: %s, took %s\n\n", r.Started.UTC().Format("2006-01-02 15:04 MST"), r.Elapsed.Round(time.Second))
	b.WriteString("## Machine\n\n")
	fmt.Fprintf(&b, "- CPU: %d × %s\n", m.CPUs, m.CPUModel)
	fmt.Fprintf(&b, "- Memory: %.1f GiB\n", float64(m.MemoryKB)/(1<<20))
	fmt.Fprintf(&b, "- OS: %s, %s\n", m.OS, m.Kernel)
	fmt.Fprintf(&b, "- Go: %s; Terraform: %s\n", m.Go, m.TerraformVer)
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min) before the run: %s; after the Terraform runs: %s\n\n", m.LoadBefore, m.LoadAfter)
	b.WriteString("## What is measured\n\n")
	b.WriteString("For each platform and N, a generated `main.tf` with N `llm_provider` records runs against `llm-mock` " +
		"(the in-memory fake of the four APIs, on loopback, with no added latency), through four commands, each timed from start to exit:\n\n")
	b.WriteString("1. `terraform apply` creates every record (`-var label=v1`).\n")
	b.WriteString("2. `terraform plan -refresh-only` reads every record back; the run fails unless Terraform reports no differences. (Not by `-detailed-exitcode`: Terraform 1.11 exits 2 there for any resource with several sensitive attributes, because each refresh writes their paths to state in a new order, though it prints no changes.)\n")
	b.WriteString("3. `terraform apply -var label=v2` changes one attribute of every record in place (refactor `enabled`, the others `name`); it refreshes first, as a plain apply does.\n")
	b.WriteString("4. `terraform destroy` deletes every record (it refreshes first too).\n\n")
	fmt.Fprintf(&b, "Every command runs with `-parallelism=%d`, no `terraform init` (the Terraform provider is a fresh build under `dev_overrides`), and the provider block's defaults "+
		"(retries on, no rate limit, `coalesce_reads = true`).\n\n", r.Options.Parallelism)
	b.WriteString("- **floor**: the same four commands on N `terraform_data` resources (built into Terraform: no plugin process, no API), " +
		"the least Terraform itself spends on N resources. **ratio** = ours / floor.\n")
	b.WriteString("- **API requests per record**: the mock's journal is cleared before each command and counted after it, by HTTP method, divided by N. " +
		"On a real platform each request costs a network round trip, so this column, more than the seconds against a zero-latency fake, predicts real run times.\n")
	b.WriteString("- **provider peak RSS**: the highest `VmHWM` of any `terraform-provider-llm` process the command started (terraform starts several per command), " +
		"sampled from `/proc` every 20 ms. **terraform peak RSS** is the same for the terraform process.\n\n")
	b.WriteString("Requests per record the Terraform provider is built to meet: create 1 (flashback 2: its create answers no full record, so one read follows; " +
		"keywordsai 2: its POST is an upsert, so an existence check comes first), update exactly 1 write, a refresh at most 1 " +
		"(reads are coalesced into one list call per platform, per workspace on flashback).\n\n")
	for _, n := range r.requestedNs() {
		fmt.Fprintf(&b, "## N = %d\n\n", n)
		b.WriteString("| " + strings.Join(tableHeader, " | ") + " |\n")
		b.WriteString(strings.Repeat("|---", len(tableHeader)) + "|\n")
		for _, row := range r.rows(n) {
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
		b.WriteString("\n")
		for _, note := range r.notes(n) {
			b.WriteString("Note: " + note + "\n\n")
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("## Warnings\n\n")
		for _, w := range r.Warnings {
			b.WriteString("- " + w + "\n")
		}
		b.WriteString("\n")
	}
	if r.GoBench != "" {
		b.WriteString("## Go micro-benchmarks\n\n")
		b.WriteString("`go test -run '^$' -bench . -benchmem ./internal/platform/...`: the patch builder (`platform.Diff`, `BenchmarkDiff*`) " +
			"and each platform's wire mapping (`BenchmarkUpdateBody`, `BenchmarkDecodeRecord`).\n\n```\n")
		b.WriteString(r.GoBench)
		b.WriteString("```\n")
	}
	return b.String()
}
