// Command certform-bench measures certform on large generated
// configurations: for each size it writes a configuration of that many
// resources (certificates, PEM stores, INI files with several managed keys,
// components) into a temporary directory, runs a first `apply` and then a
// no-op `plan` with the certform binary, and prints wall time and peak
// memory (maximum resident set size) of each run.
//
// Usage: certform-bench [-bin bin/certform] [-sizes 1000,10000,20000]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/certform/certform/plan/benchconfig"
)

func main() {
	bin := flag.String("bin", "bin/certform", "the certform binary to measure")
	sizes := flag.String("sizes", "1000,10000,20000", "comma-separated resource counts")
	files := flag.Int("files", 20, "number of *.hcl files to spread the configuration over")
	flag.Parse()
	abs, err := filepath.Abs(*bin)
	if err != nil {
		fail(err)
	}
	fmt.Printf("%-9s %-10s %10s %12s\n", "resources", "run", "wall", "peak RSS")
	var plan10k, plan20k time.Duration
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 4 {
			fail(fmt.Errorf("invalid size %q", s))
		}
		dir, err := os.MkdirTemp("", "certform-bench-")
		if err != nil {
			fail(err)
		}
		if err := benchconfig.Generate(dir, n, *files); err != nil {
			fail(err)
		}
		for _, step := range []struct {
			name string
			args []string
		}{
			{"apply", []string{"apply", "-auto-approve", "-no-color"}},
			{"plan no-op", []string{"plan", "-detailed-exitcode", "-no-color"}},
		} {
			wall, rss, out, err := measure(abs, dir, step.args)
			if err != nil {
				fail(fmt.Errorf("%d resources, %s: %w", n, step.name, err))
			}
			fmt.Printf("%-9d %-10s %10s %9.1f MB\n", n, step.name, wall.Round(time.Millisecond), float64(rss)/1024)
			if w := bytes.Count(out, []byte("Warning: ")); w > 0 {
				// The generated configuration passes every check: a
				// warning here is a new check it should satisfy, and
				// printing thousands of them is measured too.
				fmt.Printf("          (%s printed %d warnings)\n", step.name, w)
			}
			if step.name == "plan no-op" {
				switch n {
				case 10000:
					plan10k = wall
				case 20000:
					plan20k = wall
				}
			}
		}
		os.RemoveAll(dir)
	}
	if plan10k > 0 && plan20k > 0 {
		fmt.Printf("\nno-op plan, 20,000 vs 10,000 resources: %.2fx (target: at most 2.2x)\n", float64(plan20k)/float64(plan10k))
	}
}

// measure runs certform in dir and returns its wall time, peak RSS in KB
// and output.
func measure(bin, dir string, args []string) (time.Duration, int64, []byte, error) {
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
		return 0, 0, nil, fmt.Errorf("%v:\n%s", err, tail)
	}
	return wall, peakRSS(cmd.ProcessState), out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "certform-bench:", err)
	os.Exit(1)
}
