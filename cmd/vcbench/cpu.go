package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSeconds returns the CPU time (user and system) spent so far by what
// the bench measures, and what that is: with -url the server's own process
// (process_cpu_seconds_total from its /metrics), in-process this process,
// which also runs the clients. A row's CPU per operation is the difference
// over the row divided by its operations; -url on a server whose clients
// run elsewhere gives the service's own cost, the unit to size replicas by.
func (b *bench) cpuSeconds(ctx context.Context) (float64, error) {
	if b.t.m != nil {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0, err
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds(), nil
	}
	return scrapeCPU(ctx, b.client, b.t.url+"/metrics")
}

// cpuScope names what cpuSeconds measures, for the report.
func (b *bench) cpuScope() string {
	if b.t.m != nil {
		return "vcbench process: the server and the clients"
	}
	return "server process (its /metrics)"
}

// scrapeCPU reads process_cpu_seconds_total from a Prometheus text exposition.
func scrapeCPU(ctx context.Context, client *http.Client, url string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s has no process_cpu_seconds_total", url)
}
