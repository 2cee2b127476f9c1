package verify

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// String renders the report as a table a person can read.
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
	first := true
	for _, c := range r.Checks {
		if c.Remediation == "" || c.Status == StatusPass {
			continue
		}
		if first {
			b.WriteString("\nTo fix:\n")
			first = false
		}
		fmt.Fprintf(&b, "  - %s: %s\n", c.ID, c.Remediation)
	}
	return b.String()
}
