package directorytest_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/cloudhub/consent"

// Package directorytest, and the module packages it imports, import
// neither testing nor go-cmp, so that a program using the Fake does not
// link them (the conformance suite that needs them is in a subpackage).
func TestFakeLinksNoTestingCode(t *testing.T) {
	seen := map[string]bool{}
	var walk func(pkg string, via []string)
	walk = func(pkg string, via []string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		dir := filepath.Join("..", strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/"))
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("package %s: no Go files in %s (%v)", pkg, dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, spec := range f.Imports {
				path, _ := strconv.Unquote(spec.Path.Value)
				chain := append(via[:len(via):len(via)], path)
				switch {
				case path == "testing" || strings.HasPrefix(path, "testing/") || strings.HasPrefix(path, "github.com/google/go-cmp"):
					t.Errorf("%s imports %s (import chain %s)", name, path, strings.Join(chain, " -> "))
				case strings.HasPrefix(path, module+"/"):
					walk(path, chain)
				}
			}
		}
	}
	walk(module+"/directorytest", []string{module + "/directorytest"})
	if !seen[module+"/directory"] {
		t.Errorf("walked %v; want it to reach package directory", seen)
	}
}
