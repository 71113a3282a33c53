package model_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// forbidden are import-path fragments that must never reach the shared
// model: they are server-only and would bloat the WebAssembly binaries.
var forbidden = []string{
	"github.com/uptrace/bun",
	"github.com/jackc/",
	"github.com/lib/pq",
	"github.com/riverqueue/",
	"github.com/frontdesk/frontdesk/backend",
	"github.com/maxence-charriere/go-app",
	"net/http",
	"database/sql",
}

// TestModelStaysLight fails when the model package, for the server or for
// the browser, depends on database, driver or server code.
func TestModelStaysLight(t *testing.T) {
	for _, goos := range []string{"", "js"} {
		cmd := exec.Command("go", "list", "-deps", "github.com/frontdesk/frontdesk/model")
		cmd.Env = os.Environ()
		if goos == "js" {
			cmd.Env = append(cmd.Env, "GOOS=js", "GOARCH=wasm")
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list (GOOS=%s): %v\n%s", goos, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, bad := range forbidden {
				if strings.HasPrefix(dep, bad) {
					t.Errorf("model depends on %s (GOOS=%q)", dep, goos)
				}
			}
		}
	}
}
