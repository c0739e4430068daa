package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// terraformRunner runs one terraform command per operation in a configuration directory.
type terraformRunner struct {
	bin, cliConfig string
	parallelism    int
}

// args returns the command line of an operation. The update changes var.label on every record.
// The refresh-only plan has no -detailed-exitcode: Terraform 1.11 answers 2 there whenever a
// resource has several sensitive attributes, because it writes their paths to state in a new order
// on every refresh; run checks the plan's text instead.
func (t *terraformRunner) args(op Operation) []string {
	common := []string{"-input=false", "-no-color", "-parallelism=" + strconv.Itoa(t.parallelism)}
	switch op {
	case OpApply:
		return append(append([]string{"apply", "-auto-approve"}, common...), "-var", "label=v1")
	case OpRefresh:
		return append(append([]string{"plan", "-refresh-only"}, common...), "-var", "label=v1")
	case OpPlan:
		return append(append([]string{"plan", "-refresh=false"}, common...), "-var", "label=v1")
	case OpUpdate:
		return append(append([]string{"apply", "-auto-approve"}, common...), "-var", "label=v2")
	default:
		return append(append([]string{"destroy", "-auto-approve"}, common...), "-var", "label=v2")
	}
}

func (t *terraformRunner) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		// The provider block sets everything; inherited LLM_* or TF_* settings (a rate limit, a log
		// level, a CLI config that points nowhere) would skew or break the measurement.
		if strings.HasPrefix(name, "LLM_") || strings.HasPrefix(name, "TF_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_CLI_CONFIG_FILE="+t.cliConfig, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
}

// noDriftText is what a refresh-only plan prints when every record reads back as applied.
const noDriftText = "found no differences"

// noChangesText is what a plan prints when the configuration matches the state.
const noChangesText = "No changes."

// run runs one operation in dir, with extra environment variables added after the filtered ones.
func (t *terraformRunner) run(ctx context.Context, dir string, op Operation, extraEnv ...string) (Measurement, error) {
	logPath := filepath.Join(dir, string(op)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return Measurement{}, err
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, t.bin, t.args(op)...)
	// An interrupt lets terraform stop its plugins and unlock the state; a kill would orphan them.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	cmd.Dir = dir
	cmd.Env = append(t.env(), extraEnv...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Measurement{}, err
	}
	sampler := startSampler(cmd.Process.Pid)
	ownCPU, childCPU, split := splitCPUAtExit(cmd.Process.Pid)
	err = cmd.Wait()
	elapsed := time.Since(start)
	providerKB, terraformKB := sampler.stop()
	log, _ := os.ReadFile(logPath)
	tail := log[max(0, len(log)-3000):]
	if err != nil {
		return Measurement{}, fmt.Errorf("terraform %s: %v\n%s", strings.Join(t.args(op), " "), err, tail)
	}
	if op == OpRefresh && !bytes.Contains(log, []byte(noDriftText)) {
		return Measurement{}, fmt.Errorf("the refresh-only plan right after apply found changes (a perpetual diff):\n%s", tail)
	}
	if op == OpPlan && !bytes.Contains(log, []byte(noChangesText)) {
		return Measurement{}, fmt.Errorf("the plan right after apply has changes (a perpetual diff):\n%s", tail)
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	m := Measurement{Duration: elapsed, CPU: cpu, ProviderPeakKB: providerKB, TerraformPeakKB: terraformKB}
	if split {
		m.TerraformCPU, m.ProviderCPU = ownCPU, childCPU
	}
	return m, nil
}

// sampler polls /proc for the peak resident memory (VmHWM) of a terraform process and of the
// Terraform provider processes it starts. The plugin is a child of terraform that go-plugin talks
// to over stdout, so wrapping it is fragile; polling sees every instance terraform starts. Growth
// in the last poll interval before a plugin exits can be missed. Looking for new children means
// reading every /proc entry, so that happens on every scanEvery-th poll only, to keep the
// sampler's own CPU use (which competes with what it measures) small.
type sampler struct {
	pid                 int
	done                chan struct{}
	wg                  sync.WaitGroup
	providerKB, terraKB int64
	// providers are the provider processes found so far.
	providers map[int]bool
}

const (
	sampleInterval = 20 * time.Millisecond
	scanEvery      = 3
)

func startSampler(pid int) *sampler {
	s := &sampler{pid: pid, done: make(chan struct{}), providers: map[int]bool{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ticker := time.NewTicker(sampleInterval)
		defer ticker.Stop()
		for tick := 0; ; tick++ {
			if tick%scanEvery == 0 {
				s.scan()
			}
			s.sample()
			select {
			case <-s.done:
				return
			case <-ticker.C:
			}
		}
	}()
	return s
}

// scan finds the children of terraform that are Terraform provider processes.
func (s *sampler) scan() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || s.providers[pid] {
			continue
		}
		ppid, comm, ok := procStat(pid)
		// The kernel truncates comm to 15 bytes: "terraform-provi".
		if ok && ppid == s.pid && strings.HasPrefix("terraform-provider-llm", comm) && len(comm) >= len("terraform-prov") {
			s.providers[pid] = true
		}
	}
}

// sample reads the peaks of terraform and of the provider processes found, forgetting those gone.
func (s *sampler) sample() {
	if kb := vmHWM(s.pid); kb > s.terraKB {
		s.terraKB = kb
	}
	for pid := range s.providers {
		kb := vmHWM(pid)
		if kb == 0 {
			delete(s.providers, pid)
		}
		s.providerKB = max(s.providerKB, kb)
	}
}

func (s *sampler) stop() (providerKB, terraformKB int64) {
	close(s.done)
	s.wg.Wait()
	return s.providerKB, s.terraKB
}

// procStat returns the parent pid and command name of a process.
func procStat(pid int) (int, string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, "", false
	}
	open, closing := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || closing < open {
		return 0, "", false
	}
	rest := strings.Fields(string(b[closing+1:]))
	if len(rest) < 2 {
		return 0, "", false
	}
	ppid, err := strconv.Atoi(rest[1])
	if err != nil {
		return 0, "", false
	}
	return ppid, string(b[open+1 : closing]), true
}

// vmHWM returns a process's peak resident set size in KiB, or 0 when it is gone.
func vmHWM(pid int) int64 {
	return procStatusKB("/proc/"+strconv.Itoa(pid)+"/status", "VmHWM:")
}

func procStatusKB(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			fs := strings.Fields(rest)
			if len(fs) > 0 {
				n, _ := strconv.ParseInt(fs[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// The provider sources of ours and of the two framework floors; dev_overrides maps all three to
