package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// metrics are samples of the Prometheus text format by series, such as
// `process_resident_memory_bytes` or `frontdesk_ws_connections{audience="guest"}`.
type metrics map[string]float64

// parseMetrics reads the Prometheus text exposition format, keeping each
// series' value and ignoring comments and timestamps.
func parseMetrics(r io.Reader) (metrics, error) {
	m := metrics{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		// Label values may hold spaces; the series ends at the last '}'.
		split := strings.IndexByte(line, ' ')
		if i := strings.LastIndexByte(line, '}'); i >= 0 {
			split = i + 1
		}
		if split <= 0 || split >= len(line) {
			return nil, fmt.Errorf("metrics: malformed line %q", line)
		}
		fields := strings.Fields(line[split:])
		if len(fields) == 0 {
			return nil, fmt.Errorf("metrics: no value in %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("metrics: %q: %w", line, err)
		}
		m[line[:split]] = v
	}
	return m, sc.Err()
}

// procStatus reads a field in kB, such as VmRSS, from /proc/PID/status.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return statusField(f, field)
}

func statusField(r io.Reader, field string) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("status: unexpected %s line %q", field, sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("status: %s: %w", field, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("status: no %s line", field)
}

// clockTicks is USER_HZ, the unit of CPU times in /proc; 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// cpuSeconds reads a process's user+system CPU time from /proc/PID/stat.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	st, err := parseStat(string(b))
	return float64(st.self) / clockTicks, err
}

// procStat is what we read of a /proc/PID/stat line.
type procStat struct {
	comm     string
	self     int64 // utime + stime, in ticks
	children int64 // cutime + cstime: children that have been waited for
}

// parseStat reads a /proc/PID/stat line. The command name is in
// parentheses and may itself hold spaces or parentheses, so fields are
// counted after the last ')'.
func parseStat(line string) (procStat, error) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return procStat{}, errors.New("stat: no command name")
	}
	fields := strings.Fields(line[end+1:])
	// fields[0] is the state, field 3 of the line; utime, stime, cutime
	// and cstime are fields 14 to 17.
	if len(fields) < 15 {
		return procStat{}, errors.New("stat: too few fields")
	}
	var t [4]int64
	for i := range t {
		v, err := strconv.ParseInt(fields[11+i], 10, 64)
		if err != nil {
			return procStat{}, fmt.Errorf("stat: %w", err)
		}
		t[i] = v
	}
	return procStat{comm: line[open+1 : end], self: t[0] + t[1], children: t[2] + t[3]}, nil
}

// postgresCPUSeconds adds up the CPU time of every process named postgres
// (all clusters on the machine), which is where the server's queries run.
// Backends that have ended count through their postmaster's children's
// time.
func postgresCPUSeconds() float64 {
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue // the process ended
		}
		if st, err := parseStat(string(b)); err == nil && st.comm == "postgres" {
			ticks += st.self + st.children
		}
	}
	return float64(ticks) / clockTicks
}

// cpuTimes is the machine's busy and total time from /proc/stat's first
// line, in ticks.
type cpuTimes struct{ busy, total int64 }

func machineCPU() (cpuTimes, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return cpuTimes{}, err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return cpuTimes{}, err
	}
	return parseCPULine(line)
}

func parseCPULine(line string) (cpuTimes, error) {
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return cpuTimes{}, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	var t cpuTimes
	// user nice system idle iowait irq softirq steal; guest time is
	// already counted in user.
	for i, f := range fields[1:min(len(fields), 9)] {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return cpuTimes{}, fmt.Errorf("/proc/stat: %w", err)
		}
		t.total += v
		if i != 3 && i != 4 { // idle, iowait
			t.busy += v
		}
	}
	return t, nil
}
