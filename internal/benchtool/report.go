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
	"platform", "records", "operation",
	"wall s: terraform_data / 7-attr / same / ours", "CPU s: terraform_data / 7-attr / same / ours",
	"ours / same-schema: wall, CPU (target)", "ours / 7-attr: wall, CPU (target)",
	"API requests per record", "provider peak RSS (MiB) 7-attr / same / ours", "terraform peak RSS (MiB) ours / terraform_data",
}

// ratioTargets are issue 10's targets for ours / a framework floor; an operation missing has none.
var ratioTargets = map[Variant]map[Operation]float64{
	Same:  {OpApply: 1.10, OpRefresh: 1.10, OpPlan: 1.10, OpDestroy: 1.10},
	Seven: {OpApply: 1.3, OpRefresh: 1.5, OpPlan: 1.5},
}

// rows returns the results table of one requested N: one row per platform and operation.
func (r *Report) rows(n int) [][]string {
	var rows [][]string
	for _, res := range r.Results {
		if res.RequestedN != n {
			continue
		}
		for _, op := range Operations {
			var wall, cpu []string
			for _, v := range Variants {
				m := res.Runs[v][op]
				wall = append(wall, fmt.Sprintf("%.2f", m.Duration.Seconds()))
				cpu = append(cpu, fmt.Sprintf("%.2f", m.CPU.Seconds()))
			}
			peak := func(v Variant) string { return mib(res.Runs[v][op].ProviderPeakKB) }
			ours := res.Ours()[op]
			rows = append(rows, []string{
				res.Platform, fmt.Sprint(res.Records), op.Label(),
				strings.Join(wall, " / "), strings.Join(cpu, " / "),
				ratioCell(res, op, Same), ratioCell(res, op, Seven),
				requestsCell(ours.Requests, res.Records),
				peak(Seven) + " / " + peak(Same) + " / " + peak(Ours),
				mib(ours.TerraformPeakKB) + " / " + mib(res.Runs[TFData][op].TerraformPeakKB),
			})
		}
	}
	return rows
}

// splitHeader names the columns of the table that splits CPU between terraform and the provider.
var splitHeader = []string{
	"platform", "records", "operation",
	"terraform's own CPU s: terraform_data / 7-attr / same / ours", "provider CPU s: 7-attr / same / ours",
	"ours / 7-attr with a provider that cost nothing (target)",
}

// splitRows is the CPU split table of one requested N. Its last column divides terraform's own
// CPU on our configuration by the 7-attribute floor's total: the ratio ours / 7-attr could reach
// if our provider cost no CPU at all, so what Terraform alone spends on the wider schema.
func (r *Report) splitRows(n int) [][]string {
	var rows [][]string
	for _, res := range r.Results {
		if res.RequestedN != n {
			continue
		}
		for _, op := range Operations {
			var own, prov []string
			for _, v := range Variants {
				m := res.Runs[v][op]
				own = append(own, cpuCell(m.TerraformCPU))
				if v != TFData {
					prov = append(prov, cpuCell(m.ProviderCPU))
				}
			}
			bound := "-"
			if seven, ours := res.Runs[Seven][op], res.Ours()[op]; ours.TerraformCPU > 0 && seven.CPU > 0 {
				bound = fmt.Sprintf("%.2f", ours.TerraformCPU.Seconds()/seven.CPU.Seconds())
				if target, ok := ratioTargets[Seven][op]; ok {
					bound += fmt.Sprintf(" (≤ %.2f)", target)
				}
			}
			rows = append(rows, []string{
				res.Platform, fmt.Sprint(res.Records), op.Label(),
				strings.Join(own, " / "), strings.Join(prov, " / "), bound,
			})
		}
	}
	return rows
}

// cpuCell shows a split CPU time; 0 means the split was not measured.
func cpuCell(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", d.Seconds())
}

// ratioCell reads "1.04, 1.02 (≤ 1.10)": ours / floor in wall time, in CPU seconds, and the target.
func ratioCell(res Result, op Operation, floor Variant) string {
	wall, cpu := res.Ratios(op, floor)
	cell := fmt.Sprintf("%.2f, %.2f", wall, cpu)
	if target, ok := ratioTargets[floor][op]; ok {
		cell += fmt.Sprintf(" (≤ %.2f)", target)
	}
	return cell
}

// latencyHeader names the columns of the latency table.
var latencyHeader = []string{
	"platform", "records", "operation", "ours (s)", "ours with latency (s)", "added (s)", "bound (s)", "within bound", "API requests per record",
}

// latencyRows is the latency table: one row per platform and operation.
func (r *Report) latencyRows() [][]string {
	var rows [][]string
	for _, l := range r.Latency {
		for _, op := range Operations {
			added, bound := l.Added(op), l.Bound(op)
			within := "yes"
			if added > bound {
				within = "no"
			}
			rows = append(rows, []string{
				l.Platform, fmt.Sprint(l.Records), op.Label(),
				fmt.Sprintf("%.2f", l.Zero[op].Duration.Seconds()), fmt.Sprintf("%.2f", l.Delayed[op].Duration.Seconds()),
				fmt.Sprintf("%.2f", added.Seconds()), fmt.Sprintf("%.2f", bound.Seconds()), within,
				requestsCell(l.Delayed[op].Requests, l.Records),
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
		fmt.Fprintf(&b, "\nN = %d (terraform -parallelism=%d; floors run alternately with ours, see BENCHMARKS.md)\n", n, r.Options.Parallelism)
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
	if len(r.Latency) > 0 {
		fmt.Fprintf(&b, "\nours against llm-mock --latency %s, alternating with ours at no latency\n", r.Latency[0].Latency)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(latencyHeader, "\t"))
		for _, row := range r.latencyRows() {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		_ = tw.Flush()
	}
	for _, p := range r.Profiles {
		fmt.Fprintf(&b, "\nCPU profile of ours, %s N=%d %s (%d files: %s)\n%s\n", p.Platform, p.Records, p.Op.Label(), len(p.Files), strings.Join(p.Files, " "), p.Top)
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
	b.WriteString("Written by `make bench` (`scripts/bench.sh`, which runs `internal/benchtool`); rerun it rather than editing this file, except for the Findings section, which people write and make bench keeps.\n\n")
	fmt.Fprintf(&b, "Command: `%s`  \n", r.Options.Command)
	fmt.Fprintf(&b, "Run: %s, took %s\n\n", r.Started.UTC().Format("2006-01-02 15:04 MST"), r.Elapsed.Round(time.Second))
	if r.Findings != "" {
		b.WriteString(findingsHeading + "\n\n" + r.Findings + "\n\n")
	}
	b.WriteString("## Machine\n\n")
	fmt.Fprintf(&b, "- CPU: %d × %s\n", m.CPUs, m.CPUModel)
	fmt.Fprintf(&b, "- Memory: %.1f GiB\n", float64(m.MemoryKB)/(1<<20))
	fmt.Fprintf(&b, "- OS: %s, %s\n", m.OS, m.Kernel)
	fmt.Fprintf(&b, "- Go: %s; Terraform: %s\n", m.Go, m.TerraformVer)
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min) before the run: %s; after the Terraform runs: %s\n\n", m.LoadBefore, m.LoadAfter)
	b.WriteString("## What is measured\n\n")
	b.WriteString("For each platform and N, a generated `main.tf` with N `llm_provider` records runs against `llm-mock` " +
		"(the in-memory fake of the four APIs, on loopback, with no added latency), through five commands, each timed from start to exit:\n\n")
	b.WriteString("1. `terraform apply` creates every record (`-var label=v1`).\n")
	b.WriteString("2. `terraform plan -refresh-only` reads every record back; the run fails unless Terraform reports no differences. (It checks the output, not `-detailed-exitcode`, because these numbers are measured on Terraform 1.11, which exits 2 there for any resource with several sensitive attributes: each refresh writes their paths to state in a new order, though it prints no changes. Terraform 1.12 and later, and OpenTofu, exit 0.)\n")
	b.WriteString("3. `terraform plan -refresh=false`: planning alone, no API call; the run fails unless it reports no changes.\n")
	b.WriteString("4. `terraform apply -var label=v2` changes one attribute of every record in place (refactor `enabled`, the others `name`); it refreshes first, as a plain apply does.\n")
	b.WriteString("5. `terraform destroy` deletes every record (it refreshes first too).\n\n")
	fmt.Fprintf(&b, "Every command runs with `-parallelism=%d`, no `terraform init` (the Terraform providers are fresh builds under `dev_overrides`), and the provider block's defaults "+
		"(retries on, no rate limit, `coalesce_reads = true`).\n\n", r.Options.Parallelism)
	b.WriteString("The same five commands run on three floors:\n\n")
	b.WriteString("- **terraform_data**: N `terraform_data` resources (built into Terraform: no plugin process, no API), the least Terraform itself spends on N resources.\n")
	b.WriteString("- **7-attr**: `terraform-provider-llmseven` (`internal/benchtool/floorprovider`), a terraform-plugin-framework provider whose `llm_provider` has 7 plain attributes " +
		"(id, name, model_provider, base_url, enabled, api_key, settings) and makes no API call; the configuration sets the platform's attributes among those.\n")
	b.WriteString("- **same**: `terraform-provider-llmfloor`, the same framework provider with exactly our `llm_provider` schema (validators, plan modifiers, timeouts), no API call; the configuration is ours. " +
		"ours / same is what our own code costs; ours / 7-attr adds what the wider schema costs, in the provider and in Terraform. " +
		"Both floors run with `TF_LOG_SDK`, `TF_LOG_SDK_PROTO` and `TF_LOG_SDK_FRAMEWORK` set to `OFF`, which is what our provider's `main` sets for itself when `TF_LOG` is unset; " +
		"without that the floors spend CPU formatting framework log lines nobody reads and come out slower than ours.\n\n")
	b.WriteString("**Alternation**: every operation runs on the four, in the order terraform_data, 7-attr, same, ours, before the next operation starts, each in its own directory and state. " +
		"The runs a ratio compares are then seconds to a minute apart rather than a whole configuration's run apart, so load from other work on a shared machine falls on both sides alike; " +
		"ours runs right after same-schema, whose ratio matters most.\n\n")
	if r.Options.Rounds > 1 {
		fmt.Fprintf(&b, "**Rounds**: every configuration ran all five commands %d times over, alternating as above in each round; every cell is the median of the rounds "+
			"(wall time and CPU seconds each on its own; requests from the round with the median CPU time; peaks the highest), and a ratio divides two medians.\n\n", r.Options.Rounds)
	}
	b.WriteString("- **wall s**: start to exit of the terraform command. **CPU s**: user + system time of terraform and of every provider process it started, " +
		"from the rusage `wait4` returns for terraform (on Linux it includes the children terraform reaped). CPU seconds vary less than wall time on a busy machine; the ratio cells give both, wall first. " +
		"**terraform's own CPU** and **provider CPU** split it: the bench waits for terraform to exit without reaping it (`waitid` with `WNOWAIT`) and reads, " +
		"from its `/proc/PID/stat` as a zombie, its own user + system time and that of the children it reaped, which are its provider processes.\n")
	b.WriteString("- **targets** (issue 10, in parentheses): ours / same-schema ≤ 1.10 on apply, plan and destroy; ours / 7-attr ≤ 1.3 on apply and ≤ 1.5 on plan. " +
		"They are checked by reading this file, never by a timed test.\n")
	b.WriteString("- **API requests per record** (ours): the mock's journal is cleared before each command and counted after it, by HTTP method, divided by N. " +
		"On a real platform each request costs a network round trip, so this column, more than the seconds against a zero-latency fake, predicts real run times.\n")
	b.WriteString("- **provider peak RSS**: the highest `VmHWM` of any provider process the command started (terraform starts several per command), " +
		"sampled from `/proc` every 20 ms. **terraform peak RSS** is the same for the terraform process.\n")
	b.WriteString("- **Latency**: ours runs again at the latency N against a second `llm-mock --latency` (every platform request delayed; not `/_mock` nor `/oauth/token`), " +
		"alternating per operation with ours against the zero-latency mock. **added** is the difference; **bound** is issue 10's: a plan at most its requests " +
		"(the coalesced lists, one per workspace) one after another, anything that writes at most total requests × latency / parallelism, i.e. N × requests per record × latency / parallelism.\n")
	b.WriteString("- **CPU profiles**: `BENCH_PROFILE=DIR make bench` adds, at the largest N, one more run of ours (apply, both plans) with `LLM_CPU_PROFILE` set, " +
		"after the measured runs so the profiler's cost stays out of the tables; each provider process writes `DIR/PLATFORM-N-OPERATION.PID.pprof`, " +
		"and the report lists the top entries of `go tool pprof -top` over each operation's files. " +
		"Look further with `go tool pprof -http=: terraform-provider-llm DIR/flashback-500-plan.*.pprof` (a provider built from the same commit).\n\n")
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
	if ns := r.requestedNs(); len(ns) > 0 {
		n := slices.Max(ns)
		fmt.Fprintf(&b, "## Where the CPU goes: terraform and provider, N = %d\n\n", n)
		b.WriteString("The CPU s of the table above, split: terraform's own, and its provider processes'. The last column is the ratio ours / 7-attr would be " +
			"if our provider cost no CPU at all: what Terraform alone spends on our configuration, over all the 7-attribute floor spends.\n\n")
		b.WriteString("| " + strings.Join(splitHeader, " | ") + " |\n")
		b.WriteString(strings.Repeat("|---", len(splitHeader)) + "|\n")
		for _, row := range r.splitRows(n) {
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
		b.WriteString("\n")
	}
	if len(r.Latency) > 0 {
		l := r.Latency[0]
		fmt.Fprintf(&b, "## Latency: %s per request\n\n", l.Latency)
		fmt.Fprintf(&b, "`llm-mock --latency %s`, alternating per operation with ours at no latency; `-parallelism=%d`.\n\n", l.Latency, l.Parallelism)
		b.WriteString("| " + strings.Join(latencyHeader, " | ") + " |\n")
		b.WriteString(strings.Repeat("|---", len(latencyHeader)) + "|\n")
		for _, row := range r.latencyRows() {
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
		b.WriteString("\n")
	}
	if len(r.Profiles) > 0 {
		b.WriteString("## CPU profiles\n\n")
		for _, p := range r.Profiles {
			fmt.Fprintf(&b, "### %s, N = %d, %s\n\n%d files (one per provider process): `%s`\n\n", p.Platform, p.Records, p.Op.Label(), len(p.Files), strings.Join(p.Files, "`, `"))
			if p.Top != "" {
				b.WriteString("```\n" + p.Top + "\n```\n\n")
			}
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
		b.WriteString("`go test -run '^$' -bench . -benchmem " + strings.Join(goBenchPackages, " ") + "`: the update planner (`platform.PlanUpdate`, `BenchmarkPlanUpdate`), " +
			"each platform's wire mapping (`BenchmarkUpdateBody`, `BenchmarkDecodeRecord`), and the protocol-level benchmark of ours against the two framework floors in process (`BenchmarkProtocol*`).\n\n```\n")
		b.WriteString(r.GoBench)
		b.WriteString("```\n")
	}
	return b.String()
}
