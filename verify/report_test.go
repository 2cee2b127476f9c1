package verify_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-golden +got); if the change is intended, run go test -update:\n%s", path, diff)
	}
}

// failingReport is the report of a provisioned Teams account whose owner
// has not signed in or registered MFA, and that someone gave Global
// Administrator by hand.
func failingReport(t *testing.T) verify.Report {
	t.Helper()
	tn := newTenant()
	acct := tn.provision(t, teamsSpec(upn))
	tn.ownerSteps(t, acct.ID, false)
	tn.assign(t, acct.ID, "Global Administrator", directory.TenantScope)
	rep, err := tn.verifier(tn.Fake).Verify(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// warningReport is the passing report of an Exchange read-only account
// (Global Reader, privileged, explicitly allowed).
func warningReport(t *testing.T) verify.Report {
	t.Helper()
	tn := newTenant()
	spec := teamsSpec(upn)
	spec.Workloads, spec.Access, spec.AllowPrivileged = []roles.Workload{roles.Exchange}, roles.ReadOnly, true
	acct := tn.provision(t, spec)
	tn.ownerSteps(t, acct.ID, true, directory.MethodMicrosoftAuthenticator)
	rep, err := tn.verifier(tn.Fake).Verify(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestReportJSON(t *testing.T) {
	rep := failingReport(t)
	got, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden.json", append(got, '\n'))

	var back verify.Report
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, back); diff != "" {
		t.Errorf("JSON round trip (-marshalled +unmarshalled):\n%s", diff)
	}
}

// TestReportJSONFields pins the field names programs read, independently
// of the golden file.
func TestReportJSONFields(t *testing.T) {
	for name, rep := range map[string]verify.Report{"failing": failingReport(t), "warning": warningReport(t)} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Account   map[string]any   `json:"account"`
				CheckedAt string           `json:"checkedAt"`
				Passed    *bool            `json:"passed"`
				Summary   map[string]int   `json:"summary"`
				Checks    []map[string]any `json:"checks"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Passed == nil || *doc.Passed != rep.Passed() {
				t.Errorf("passed = %v, want %v", doc.Passed, rep.Passed())
			}
			counts := map[string]int{"pass": 0, "warn": 0, "fail": 0, "unknown": 0}
			for _, c := range rep.Checks {
				counts[string(c.Status)]++
			}
			if diff := cmp.Diff(counts, doc.Summary); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			if doc.CheckedAt != "2026-03-02T10:00:00Z" {
				t.Errorf("checkedAt = %q", doc.CheckedAt)
			}
			if doc.Account["id"] != rep.Account.ID || doc.Account["userPrincipalName"] != upn {
				t.Errorf("account = %v", doc.Account)
			}
			if len(doc.Checks) != len(rep.Checks) {
				t.Fatalf("%d checks in JSON, want %d", len(doc.Checks), len(rep.Checks))
			}
			for i, c := range doc.Checks {
				want := []string{"evidence", "id", "severity", "status", "title"}
				if rep.Checks[i].Status != verify.StatusPass {
					want = append(want, "remediation")
				}
				var keys []string
				for k := range c {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				slices.Sort(want)
				if diff := cmp.Diff(want, keys); diff != "" {
					t.Errorf("check %d (%s) keys (-want +got):\n%s", i, rep.Checks[i].ID, diff)
				}
				if c["id"] != rep.Checks[i].ID || c["status"] != string(rep.Checks[i].Status) || c["severity"] != string(rep.Checks[i].Severity) {
					t.Errorf("check %d = %v, want %+v", i, c, rep.Checks[i])
				}
			}
		})
	}
}

func TestReportString(t *testing.T) {
	tests := []struct {
		golden string
		report func(*testing.T) verify.Report
	}{
		{"report.golden.txt", failingReport},
		{"report-warning.golden.txt", warningReport},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			rep := tt.report(t)
			checkString(t, rep)
			golden(t, tt.golden, []byte(rep.String()))
		})
	}
}

// TestReportEmpty: a report without checks (the zero Report that comes
// with an error) does not pass.
func TestReportEmpty(t *testing.T) {
	var rep verify.Report
	if rep.Passed() {
		t.Error("zero Report passed")
	}
	if _, ok := rep.Check(verify.CheckExists); ok {
		t.Error("zero Report has a check")
	}
	rep = verify.Report{Account: serviceaccount.Account{UserPrincipalName: upn}, Checks: []verify.Check{
		{ID: verify.CheckExists, Status: verify.StatusUnknown},
	}}
	if rep.Passed() {
		t.Error("a report whose only check is unknown passed")
	}
}
