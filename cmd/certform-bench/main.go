// Command certform-bench measures certform on large generated
// configurations: for each size it writes a configuration of that many
// resources (certificates, PEM stores, INI files with several managed keys,
// components) into a temporary directory and runs a first `apply`, then
// no-op `plan`s of every size in turn, with the certform binary, and prints
// wall time and peak memory (maximum resident set size) of each, with the
// targets of issue 2 next to them. The plan runs several times (-runs): the
// median is shown, with the fastest run, since other work on the machine
// slows single runs.
//
// Usage: certform-bench [-bin bin/certform] [-sizes 1000,10000,20000] [-runs 5]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certform/certform/plan/benchconfig"
)

// The targets for a no-op plan of 10,000 resources on a 2-core machine, and
// for how it grows to 20,000.
const (
	targetWall  = time.Second
	targetRSSMB = 300
	targetRatio = 2.2
)

func main() {
	bin := flag.String("bin", "bin/certform", "the certform binary to measure")
	sizes := flag.String("sizes", "1000,10000,20000", "comma-separated resource counts")
	files := flag.Int("files", 20, "number of *.hcl files to spread the configuration over")
	runs := flag.Int("runs", 5, "no-op plans to run per size")
	flag.Parse()
	abs, err := filepath.Abs(*bin)
	if err != nil {
		fail(err)
	}
	if *runs < 1 {
		fail(fmt.Errorf("-runs %d: want at least 1", *runs))
	}
	fmt.Printf("%d CPUs%s\n", runtime.NumCPU(), loadAverage())
	fmt.Printf("%-9s %-10s %10s %12s   %s\n", "resources", "run", "wall", "peak RSS", "")

	// Every size is generated and applied first; then the no-op plans
	// take turns, size after size, so that a slower minute of the machine
	// (other work on its host) falls on every size alike and the ratio
	// compares like with like.
	var ns []int
	dirs := map[int]string{}
	defer func() {
		for _, dir := range dirs {
			os.RemoveAll(dir)
		}
	}()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 4 {
			fail(fmt.Errorf("invalid size %q", s))
		}
		dir, err := os.MkdirTemp("", "certform-bench-")
		if err != nil {
			fail(err)
		}
		dirs[n] = dir
		if err := benchconfig.Generate(dir, n, *files); err != nil {
			fail(err)
		}
		wall, rss := step(abs, dir, n, "apply", []string{"apply", "-auto-approve", "-no-color"})
		fmt.Printf("%-9d %-10s %10s %9.1f MB\n", n, "apply", wall.Round(time.Millisecond), float64(rss)/1024)
		ns = append(ns, n)
	}
	walls := map[int][]time.Duration{}
	maxRSS := map[int]int64{}
	for range *runs {
		for _, n := range ns {
			wall, rss := step(abs, dirs[n], n, "plan no-op", []string{"plan", "-detailed-exitcode", "-no-color"})
			walls[n] = append(walls[n], wall)
			maxRSS[n] = max(maxRSS[n], rss)
		}
	}
	medians := map[int]time.Duration{}
	for _, n := range ns {
		w := walls[n]
		slices.Sort(w)
		medians[n] = w[len(w)/2]
		note := ""
		if *runs > 1 {
			note = fmt.Sprintf("median of %d, fastest %s", *runs, w[0].Round(time.Millisecond))
		}
		if n == 10000 {
			note += fmt.Sprintf("; target: under %s and %d MB", targetWall, targetRSSMB)
		}
		fmt.Printf("%-9d %-10s %10s %9.1f MB   %s\n", n, "plan no-op", medians[n].Round(time.Millisecond), float64(maxRSS[n])/1024, strings.TrimPrefix(note, "; "))
	}
	if medians[10000] > 0 && medians[20000] > 0 {
		fmt.Printf("\nno-op plan, 20,000 vs 10,000 resources: %.2fx (target: at most %.1fx)\n", float64(medians[20000])/float64(medians[10000]), targetRatio)
	}
	if l := loadAverage(); l != "" {
		fmt.Printf("after the runs%s\n", l)
	}
}

// step runs certform in dir and returns its wall time and peak RSS in KB.
// It stops the benchmark when certform fails, and says so when certform
// printed warnings: the generated configuration passes every check, so a
// warning is a new check it should satisfy.
func step(bin, dir string, n int, name string, args []string) (time.Duration, int64) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		tail := string(out)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		fail(fmt.Errorf("%d resources, %s: %v:\n%s", n, name, err, tail))
	}
	if w := bytes.Count(out, []byte("Warning: ")); w > 0 {
		fmt.Printf("          (%s printed %d warnings)\n", name, w)
	}
	return wall, peakRSS(cmd.ProcessState)
}

// loadAverage returns ", load average 1.2 0.9 0.5" where the system tells
// it, for judging the figures: other work slows them down.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return ", load average " + strings.Join(f[:3], " ")
	}
	return ""
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "certform-bench:", err)
	os.Exit(1)
}
