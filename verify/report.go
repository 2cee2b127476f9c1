package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudhub/consent/serviceaccount"
)

// Status is the outcome of a [Check].
type Status string

// Statuses. Only StatusPass and StatusWarn count as passed.
const (
	StatusPass    Status = "pass"
	StatusWarn    Status = "warn"
	StatusFail    Status = "fail"
	StatusUnknown Status = "unknown"
)

// Severity says how much a failed check matters.
type Severity string

// Severities.
const (
	SeverityInfo     Severity = "info"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Check is the outcome of one rule.
type Check struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Status   Status   `json:"status"`
	Severity Severity `json:"severity"`
	// Evidence is what was observed.
	Evidence string `json:"evidence"`
	// Remediation says what a person can do about a check that did not
	// pass, or about a warning; empty when the status is StatusPass.
	Remediation string `json:"remediation,omitempty"`
}

// Passed reports whether the check passed (a warning passes).
func (c Check) Passed() bool { return c.Status == StatusPass || c.Status == StatusWarn }

// Report is the outcome of [Verifier.Verify]: one Check per rule, in a fixed
// order.
//
// Its JSON form has the fields account, checkedAt, passed (the verdict of
// [Report.Passed]), summary (how many checks have each status: pass, warn,
// fail, unknown) and checks. passed and summary are derived from checks;
// a Report has no field for them, so one read back from JSON derives them
// again and never takes them from the document.
type Report struct {
	// Mode says how the account was read: ModeAdmin ([Verifier.Verify])
	// or ModeSelf ([Verifier.VerifySelf]).
	Mode      Mode                   `json:"mode"`
	Account   serviceaccount.Account `json:"account"`
	CheckedAt time.Time              `json:"checkedAt"`
	// TenantID is the tenant the signed-in account's token belongs to, and
	// TenantIDSource where it was read (directory.TenantFromToken or
	// directory.TenantFromDirectory); set in a self report.
	TenantID       string  `json:"tenantId,omitempty"`
	TenantIDSource string  `json:"tenantIdSource,omitempty"`
	Checks         []Check `json:"checks"`
	// NotVisible lists what the report could not see by design (a self
	// report: what the account may not read about itself), each with the
	// credential that could see it. It does not count against Passed;
	// a read that should have worked and failed is an unknown check
	// instead, which does.
	NotVisible []NotVisible `json:"notVisible,omitempty"`
}

// Passed reports whether every check passed. A check whose facts could not
// be read (StatusUnknown) does not pass. For a self report (ModeSelf) it
// means "ready for the partner", by the rule [Verifier.VerifySelf]
// documents; NotVisible does not count.
func (r Report) Passed() bool {
	for _, c := range r.Checks {
		if !c.Passed() {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Failed returns the checks that did not pass (failed or unknown).
func (r Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Passed() {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the check with the given ID.
func (r Report) Check(id string) (Check, bool) {
	i := slices.IndexFunc(r.Checks, func(c Check) bool { return c.ID == id })
	if i < 0 {
		return Check{}, false
	}
	return r.Checks[i], true
}

// Summary counts a report's checks by status.
type Summary struct {
	Pass    int `json:"pass"`
	Warn    int `json:"warn"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

// Summary counts the checks by status.
func (r Report) Summary() Summary {
	var s Summary
	for _, c := range r.Checks {
		switch c.Status {
		case StatusPass:
			s.Pass++
		case StatusWarn:
			s.Warn++
		case StatusFail:
			s.Fail++
		default:
			s.Unknown++
		}
	}
	return s
}

// String renders the report as a table a person can read: a header with
// the verdict, one row per check, then what to do about each check that did
// not pass ("To fix:") and about each warning ("Warnings:"). Checks that
// share a remediation (for example the role checks, when role assignments
// could not be read) share one line.
func (r Report) String() string {
	var b strings.Builder
	verdict := "PASSED"
	if !r.Passed() {
		verdict = fmt.Sprintf("FAILED (%d of %d checks did not pass)", len(r.Failed()), len(r.Checks))
	}
	fmt.Fprintf(&b, "Verification of %s%s: %s\n", r.Account, r.modeNote(), verdict)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tEVIDENCE")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(c.Status)), c.ID, c.Evidence)
	}
	_ = tw.Flush()
	writeRemediations(&b, "To fix:", r.Checks, func(c Check) bool { return !c.Passed() })
	writeRemediations(&b, "Warnings:", r.Checks, func(c Check) bool { return c.Status == StatusWarn })
	writeNotVisible(&b, r.NotVisible)
	return b.String()
}

// writeRemediations writes a section with the remediations of the checks
// selected by include, one line per distinct remediation, in check order.
func writeRemediations(b *strings.Builder, heading string, checks []Check, include func(Check) bool) {
	var texts []string
	ids := map[string][]string{}
	for _, c := range checks {
		if !include(c) || c.Remediation == "" {
			continue
		}
		if _, seen := ids[c.Remediation]; !seen {
			texts = append(texts, c.Remediation)
		}
		ids[c.Remediation] = append(ids[c.Remediation], c.ID)
	}
	if len(texts) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", heading)
	for _, t := range texts {
		fmt.Fprintf(b, "  - %s: %s\n", strings.Join(ids[t], ", "), t)
	}
}

type reportJSON struct {
	Mode           Mode                   `json:"mode"`
	Account        serviceaccount.Account `json:"account"`
	CheckedAt      time.Time              `json:"checkedAt"`
	TenantID       string                 `json:"tenantId,omitempty"`
	TenantIDSource string                 `json:"tenantIdSource,omitempty"`
	Passed         bool                   `json:"passed"`
	Summary        Summary                `json:"summary"`
	Checks         []Check                `json:"checks"`
	NotVisible     []NotVisible           `json:"notVisible,omitempty"`
}

// MarshalJSON adds the verdict and the summary to the report's fields.
func (r Report) MarshalJSON() ([]byte, error) {
	return json.Marshal(reportJSON{Mode: r.Mode, Account: r.Account, CheckedAt: r.CheckedAt, TenantID: r.TenantID, TenantIDSource: r.TenantIDSource,
		Passed: r.Passed(), Summary: r.Summary(), Checks: r.Checks, NotVisible: r.NotVisible})
}
