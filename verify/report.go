package verify

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

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
	fmt.Fprintf(&b, "Verification of %s: %s\n", r.Account, verdict)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tEVIDENCE")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(c.Status)), c.ID, c.Evidence)
	}
	_ = tw.Flush()
	writeRemediations(&b, "To fix:", r.Checks, func(c Check) bool { return !c.Passed() })
	writeRemediations(&b, "Warnings:", r.Checks, func(c Check) bool { return c.Status == StatusWarn })
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
