package app_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestWasmDependencies keeps server code out of the WebAssembly build: bun
// alone adds about 2 MB, and a driver or the backend would drag in far more.
func TestWasmDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./cmd/frontdesk", "./app")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	deps := strings.Fields(string(out))

	// Prove the listing is the wasm build's before trusting its absences.
	for _, want := range []string{
		"github.com/frontdesk/frontdesk/app",
		"github.com/frontdesk/frontdesk/model",
		"github.com/maxence-charriere/go-app/v10/pkg/app",
		"syscall/js",
	} {
		if !contains(deps, want) {
			t.Fatalf("go list did not report %s; output:\n%s", want, out)
		}
	}

	// Whole module trees, then single packages (database/sql/driver is fine:
	// go-app's uuid dependency uses its tiny interfaces).
	forbiddenTrees := []string{
		"github.com/frontdesk/frontdesk/backend",
		"github.com/uptrace/bun",
		"github.com/jackc",
		"github.com/riverqueue",
		"github.com/prometheus",
		"github.com/wneessen/go-mail",
		"github.com/emersion",
		"github.com/chromedp",
	}
	forbiddenPackages := []string{"database/sql", "net/http/httptest", "testing"}
	for _, dep := range deps {
		for _, tree := range forbiddenTrees {
			if dep == tree || strings.HasPrefix(dep, tree+"/") {
				t.Errorf("the wasm build imports %s", dep)
			}
		}
		if contains(forbiddenPackages, dep) {
			t.Errorf("the wasm build imports %s", dep)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
